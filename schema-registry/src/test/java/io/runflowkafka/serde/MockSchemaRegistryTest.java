package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.UploadEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {

    private static final String SCOPE = "mock-registry-test";
    private static final String OTHER_SCOPE = "mock-registry-test-other";

    @AfterAll
    static void dropScopes() {
        MockSchemaRegistry.dropScope(SCOPE);
        MockSchemaRegistry.dropScope(OTHER_SCOPE);
    }

    @Test
    void shouldShareOneRegistryPerScopeAcrossSerdeInstances() {
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                .serializer()
                .serialize("shared", SampleRecords.upload("u"));

        UploadEvent read = AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                .deserializer()
                .deserialize("shared", bytes);

        assertThat(read.getUploadId()).isEqualTo("u");
        assertThatThrownBy(() ->
                        MockSchemaRegistry.getClientForScope(OTHER_SCOPE).getSchemaById(WireFormat.schemaId(bytes)))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("mock://" + OTHER_SCOPE);
    }

    @Test
    void shouldGiveTheSameSchemaOneGlobalIdUnderEverySubject() {
        SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(SCOPE);
        int first = registry.register("a-value", HeadshotJob.getClassSchema());
        int again = registry.register("b-value", HeadshotJob.getClassSchema());

        assertThat(again).isEqualTo(first);
        assertThat(registry.getId("b-value", HeadshotJob.getClassSchema())).isEqualTo(first);
        assertThat(registry.getSchemaById(first)).isEqualTo(HeadshotJob.getClassSchema());
        assertThat(registry.getLatestVersion("b-value").version()).isEqualTo(1);
    }

    @Test
    void shouldStartEmptyAfterTheScopeIsDropped() {
        String scope = "mock-registry-test-dropped";
        MockSchemaRegistry.getClientForScope(scope).register("x-value", UploadEvent.getClassSchema());

        MockSchemaRegistry.dropScope(scope);

        assertThatThrownBy(() -> MockSchemaRegistry.getClientForScope(scope).getLatestVersion("x-value"))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessageContaining("x-value");
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldReportASchemaMissingUnderAnExistingSubject() {
        SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(SCOPE);
        registry.register("jobs-value", HeadshotJob.getClassSchema());

        assertThatThrownBy(() -> registry.getId("jobs-value", UploadEvent.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining(
                        "io.runflowkafka.schema.UploadEvent is not registered under subject 'jobs-value'");
    }
}
