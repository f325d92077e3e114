package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.SubjectNotFoundException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

class MockSchemaRegistryExtensionTest {

    /** Scope seen by the sample class, read after it ran. */
    static final AtomicReference<String> SEEN_SCOPE = new AtomicReference<>();

    @Test
    void shouldGiveEachClassItsOwnScopeAndDropItAfterTheClass() {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SampleRegisteringASchema.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.succeeded(1).failed(0));

        String scope = SEEN_SCOPE.get();
        assertThat(scope).startsWith("SampleRegisteringASchema-");
        assertThatThrownBy(() -> MockSchemaRegistry.getClientForScope(scope).getLatestVersion("uploads-value"))
                .as("the registry of scope %s after the class", scope)
                .isInstanceOf(SubjectNotFoundException.class);
    }

    static class SampleRegisteringASchema {

        @RegisterExtension
        static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();

        @Test
        void registersTheUploadSchema() {
            UploadEvent event = UploadEvent.newBuilder()
                    .setUploadId("u")
                    .setOrderId("o")
                    .setUserId("x")
                    .setImageUri("https://images.example/u.jpg")
                    .setUploadedAt(Instant.EPOCH)
                    .build();

            byte[] bytes = REGISTRY.valueSerde(UploadEvent.class).serializer().serialize("uploads", event);

            assertThat(bytes[0]).as("Confluent magic byte").isZero();
            assertThat(MockSchemaRegistry.getClientForScope(REGISTRY.scope()).getLatestVersion("uploads-value"))
                    .isNotNull();
            SEEN_SCOPE.set(REGISTRY.scope());
        }
    }
}
