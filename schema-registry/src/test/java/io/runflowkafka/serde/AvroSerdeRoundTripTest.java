package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.UploadEvent;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    private static final String SCOPE = "round-trip-test";
    private static final Map<String, Object> CONFIG = TestSchemas.mockConfig(SCOPE);

    @AfterAll
    static void dropScope() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    static List<Named<SpecificRecord>> records() {
        return SampleRecords.everyGeneratedClass().stream()
                .map(record -> Named.of(record.getClass().getSimpleName(), record))
                .toList();
    }

    @ParameterizedTest
    @MethodSource("records")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRoundTripEveryGeneratedClassThroughTheSpecificSerde(SpecificRecord record) {
        Serde serde = AvroSerdes.specific(record.getClass(), CONFIG, false);
        String topic = "round-trip." + record.getSchema().getName();

        byte[] bytes = serde.serializer().serialize(topic, record);
        Object back = serde.deserializer().deserialize(topic, bytes);

        assertThat(bytes[0]).isZero();
        assertThat(back).isInstanceOf(record.getClass()).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void shouldReadSpecificBytesAsGenericRecordsAndWriteThemBackIdentically(SpecificRecord record) {
        String topic = "generic." + record.getSchema().getName();
        Serde<GenericRecord> generic = AvroSerdes.generic(CONFIG, false);
        AvroSerializer<Object> specificWriter = new AvroSerializer<>();
        specificWriter.configure(CONFIG, false);
        byte[] bytes = specificWriter.serialize(topic, record);

        GenericRecord read = generic.deserializer().deserialize(topic, bytes);

        assertThat(read).isInstanceOf(GenericData.Record.class);
        assertThat(read.getSchema().getFullName()).isEqualTo(record.getSchema().getFullName());
        // Map entries may be written in another order (hash order), so compare what the bytes say, not the bytes.
        byte[] written = generic.serializer().serialize(topic, read);
        assertThat(generic.deserializer().deserialize(topic, written)).isEqualTo(read);
        assertThat(written).hasSameSizeAs(bytes);
    }

    @Test
    void shouldReturnGeneratedClassesFromTheGenericSerdeWhenSpecificAvroReaderIsSet() {
        Map<String, Object> config = new HashMap<>(CONFIG);
        config.put(SchemaRegistryConfig.SPECIFIC_AVRO_READER, "true");
        Serde<GenericRecord> serde = AvroSerdes.generic(config, false);
        UploadEvent upload = SampleRecords.upload("up-specific");

        byte[] bytes = serde.serializer().serialize("uploads.specific", upload);
        GenericRecord back = serde.deserializer().deserialize("uploads.specific", bytes);

        assertThat(back).isInstanceOf(UploadEvent.class).isEqualTo(upload);
    }

    @Test
    void shouldRegisterUnderTopicNameStrategySubjectsForKeysAndValues() {
        Serde<UploadEvent> values = AvroSerdes.specific(UploadEvent.class, CONFIG, false);
        AvroSerializer<Object> keys = new AvroSerializer<>();
        keys.configure(CONFIG, true);

        values.serializer().serialize("photos.uploaded", SampleRecords.upload("up-1"));
        keys.serialize("photos.uploaded", "order-1");

        SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(SCOPE);
        assertThat(registry.getLatestVersion("photos.uploaded-value").schema()).isEqualTo(UploadEvent.getClassSchema());
        assertThat(registry.getLatestVersion("photos.uploaded-key").schema().getType())
                .isEqualTo(Schema.Type.STRING);
    }

    @Test
    void shouldRegisterASchemaOnceAndReuseItsIdForEveryRecord() {
        Serde<UploadEvent> serde = AvroSerdes.specific(UploadEvent.class, CONFIG, false);
        List<byte[]> all = IntStream.range(0, 500)
                .mapToObj(i -> serde.serializer().serialize("photos.many", SampleRecords.upload("up-" + i)))
                .toList();

        RegisteredSchema latest = MockSchemaRegistry.getClientForScope(SCOPE).getLatestVersion("photos.many-value");
        assertThat(latest.version()).isEqualTo(1);
        assertThat(all)
                .allSatisfy(bytes -> assertThat(WireFormat.schemaId(bytes)).isEqualTo(latest.id()));
        assertThat(serde.deserializer().deserialize("photos.many", all.get(499)).getUploadId())
                .isEqualTo("up-499");
    }

    @Test
    void shouldBeSafeToShareOneSerdeAcrossThreads() throws Exception {
        Serde<UploadEvent> serde = AvroSerdes.specific(UploadEvent.class, CONFIG, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> workers = IntStream.range(0, 4)
                    .mapToObj(worker -> pool.submit(() -> IntStream.range(0, 2_000)
                            .mapToObj(i -> SampleRecords.upload("w" + worker + "-" + i))
                            .filter(upload -> upload.equals(serde.deserializer()
                                    .deserialize(
                                            "photos.threads", serde.serializer().serialize("photos.threads", upload))))
                            .count()))
                    .toList();
            for (Future<Long> worker : workers) {
                assertThat(worker.get(30, TimeUnit.SECONDS)).isEqualTo(2_000L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRoundTripEveryAvroTypeAsGenericData() {
        Schema schema = TestSchemas.load("serde/AllTypes.avsc");
        Schema item = schema.getField("f_array").schema().getElementType();
        GenericRecord label = new GenericData.Record(item);
        label.put("label", "first");
        GenericRecord record = new GenericData.Record(schema);
        record.put("f_null", null);
        record.put("f_boolean", true);
        record.put("f_int", Integer.MIN_VALUE);
        record.put("f_long", Long.MAX_VALUE);
        record.put("f_float", 1.25f);
        record.put("f_double", Math.PI);
        record.put("f_bytes", ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}));
        record.put("f_string", "ünïcødé ✓");
        record.put("f_fixed", new GenericData.Fixed(schema.getField("f_fixed").schema(), new byte[] {9, 8, 7, 6}));
        record.put(
                "f_enum", new GenericData.EnumSymbol(schema.getField("f_enum").schema(), "GREEN"));
        record.put("f_array", List.of(label, label));
        record.put("f_map", Map.of("a", 1L, "b", -1L));
        record.put("f_union", label);
        Serde<GenericRecord> serde = AvroSerdes.generic(CONFIG, false);

        GenericRecord back =
                serde.deserializer().deserialize("all-types", serde.serializer().serialize("all-types", record));

        assertThat(back).isEqualTo(record);
        assertThat(back.get("f_bytes")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}));
    }

    @Test
    void shouldPassNullThroughAsATombstone() {
        Serde<UploadEvent> serde = AvroSerdes.specific(UploadEvent.class, CONFIG, true);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
