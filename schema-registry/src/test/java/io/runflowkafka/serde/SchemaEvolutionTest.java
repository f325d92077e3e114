package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.UploadEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class SchemaEvolutionTest {

    private static final Schema V0 = TestSchemas.load("serde/UploadEvent-v0.avsc");
    private static final Schema V2 = TestSchemas.load("serde/UploadEvent-v2.avsc");
    private static final Schema INCOMPATIBLE = TestSchemas.load("serde/UploadEvent-incompatible.avsc");

    private String scope;

    @BeforeEach
    void newScope(TestInfo test) {
        scope = "evolution-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldReadAnOldWriterIntoTheNewClassFillingDefaultedFields() {
        GenericRecord old = new GenericData.Record(V0);
        old.put("upload_id", "up-old");
        old.put("order_id", "order-1");
        old.put("user_id", "user-1");
        old.put("image_uri", "https://cdn/old.jpg");
        old.put("uploaded_at", SampleRecords.T0.toEpochMilli());
        byte[] bytes = AvroSerdes.generic(TestSchemas.mockConfig(scope), false)
                .serializer()
                .serialize("photos.uploaded", old);

        UploadEvent read = AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(scope), false)
                .deserializer()
                .deserialize("photos.uploaded", bytes);

        assertThat(read.getUploadId()).isEqualTo("up-old");
        assertThat(read.getImageUri()).isEqualTo("https://cdn/old.jpg");
        assertThat(read.getUploadedAt()).isEqualTo(SampleRecords.T0);
        assertThat(read.getContentType()).isNull();
        assertThat(read.getAttributes()).isEmpty();
    }

    @Test
    void shouldReadANewerWriterWithAnExtraFieldIntoTheCurrentClass() {
        GenericRecord newer = v2Record("mobile");
        byte[] bytes = AvroSerdes.generic(TestSchemas.mockConfig(scope), false)
                .serializer()
                .serialize("photos.uploaded", newer);

        UploadEvent read = AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(scope), false)
                .deserializer()
                .deserialize("photos.uploaded", bytes);

        assertThat(read.getUploadId()).isEqualTo("up-2");
        assertThat(read.getContentType()).isEqualTo("image/webp");
        assertThat(read.getAttributes()).containsEntry("k", "v");
    }

    @Test
    void shouldRefuseToReadAWriterSchemaTheClassCannotResolve() {
        int id = MockSchemaRegistry.getClientForScope(scope).register("other-value", INCOMPATIBLE);
        GenericRecord record = new GenericData.Record(INCOMPATIBLE);
        record.put("upload_id", "u");
        record.put("order_id", "o");
        record.put("user_id", "x");
        record.put("uploaded_at", 1L);
        byte[] bytes = AvroSerdes.generic(TestSchemas.mockConfig(scope), false)
                .serializer()
                .serialize("other", record);
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
        Deserializer<UploadEvent> deserializer = AvroSerdes.specific(
                        UploadEvent.class, TestSchemas.mockConfig(scope), false)
                .deserializer();

        assertThatThrownBy(() -> deserializer.deserialize("other", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id " + id)
                .hasMessageContaining("cannot be read as io.runflowkafka.schema.UploadEvent")
                .hasMessageContaining("image_uri");
        // The verdict is cached per id, and stays the same.
        assertThatThrownBy(() -> deserializer.deserialize("other", bytes)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldRefuseToRegisterASchemaThatIsNotBackwardCompatible() {
        SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(scope);
        registry.register("photos.uploaded-value", INCOMPATIBLE);

        // The current UploadEvent adds image_uri without a default: it cannot read what version 1 wrote.
        assertThatThrownBy(() -> registry.register("photos.uploaded-value", UploadEvent.getClassSchema()))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("not BACKWARD compatible with version 1")
                .hasMessageContaining("photos.uploaded-value")
                .hasMessageContaining("image_uri");
    }

    @Test
    void shouldWriteWithTheLatestVersionWhenUseLatestVersionIsSet() {
        SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(scope);
        registry.register("photos.uploaded-value", UploadEvent.getClassSchema());
        int latestId = registry.register("photos.uploaded-value", V2);
        Map<String, Object> config = new HashMap<>(TestSchemas.mockConfig(scope));
        config.put(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, false);
        config.put(SchemaRegistryConfig.USE_LATEST_VERSION, true);

        UploadEvent upload = SampleRecords.upload("up-latest");
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, config, false)
                .serializer()
                .serialize("photos.uploaded", upload);

        assertThat(WireFormat.schemaId(bytes)).isEqualTo(latestId);
        GenericRecord asWritten =
                AvroSerdes.generic(config, false).deserializer().deserialize("photos.uploaded", bytes);
        assertThat(asWritten.get("source")).hasToString("web");
        assertThat(asWritten.get("upload_id")).hasToString("up-latest");
        assertThat(asWritten.get("image_uri")).hasToString(upload.getImageUri());
        assertThat(asWritten.get("uploaded_at")).isEqualTo(SampleRecords.T0.toEpochMilli());
        UploadEvent readBack = AvroSerdes.specific(UploadEvent.class, config, false)
                .deserializer()
                .deserialize("photos.uploaded", bytes);
        assertThat(readBack).isEqualTo(upload);
    }

    @Test
    void shouldLookUpInsteadOfRegisteringWhenAutoRegisterIsOff() {
        Map<String, Object> config = new HashMap<>(TestSchemas.mockConfig(scope));
        config.put(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, "false");
        var serializer = AvroSerdes.specific(UploadEvent.class, config, false).serializer();

        assertThatThrownBy(() -> serializer.serialize("photos.unregistered", SampleRecords.upload("u")))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessageContaining("photos.unregistered-value");

        int id = MockSchemaRegistry.getClientForScope(scope)
                .register("photos.unregistered-value", UploadEvent.getClassSchema());
        assertThat(WireFormat.schemaId(serializer.serialize("photos.unregistered", SampleRecords.upload("u"))))
                .isEqualTo(id);
    }

    private static GenericRecord v2Record(String source) {
        GenericRecord record = new GenericData.Record(V2);
        record.put("source", source);
        record.put("upload_id", "up-2");
        record.put("order_id", "order-1");
        record.put("user_id", "user-1");
        record.put("image_uri", "https://cdn/new.webp");
        record.put("content_type", "image/webp");
        record.put("uploaded_at", SampleRecords.T0.toEpochMilli());
        record.put("attributes", Map.of("k", "v"));
        return record;
    }
}
