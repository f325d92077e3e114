package io.runflowkafka.serde;

import static io.runflowkafka.serde.TestSchemas.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.UploadEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Golden byte vectors computed by hand from the Confluent wire format (0x00, 4-byte big-endian id) and the Avro
 * specification (zig-zag varints, length-prefixed UTF-8 strings, blocked arrays and maps, little-endian doubles),
 * never produced by this serializer.
 */
class GoldenBytesTest {

    private static final String SCOPE = "golden-bytes-test";
    private static final int ID = 0x01020304;
    private static final Schema GOLDEN = TestSchemas.load("serde/Golden.avsc");

    /** n=1, s="hi", l=300, b=true, opt=null, tags=["a","b"], score=1.5 under schema id 0x01020304. */
    private static final byte[] VECTOR_A = bytes(
            0x00, 0x01, 0x02, 0x03, 0x04, // magic byte, id 16909060 big-endian
            0x02, // n = 1: zig-zag 2
            0x04, 'h', 'i', // s: length 2 (zig-zag 4), UTF-8 bytes
            0xD8, 0x04, // l = 300: zig-zag 600 = 0b100_1011000 -> 0xD8 0x04
            0x01, // b = true
            0x00, // opt: union branch 0 (null)
            0x04, 0x02, 'a', 0x02, 'b', 0x00, // tags: block of 2 items, "a", "b", end of blocks
            0, 0, 0, 0, 0, 0, 0xF8, 0x3F); // score = 1.5 = 0x3FF8000000000000, little-endian

    /** n=64, s="", l=-65, b=false, opt="é", tags=[], score=-2.0 under schema id 0x01020304. */
    private static final byte[] VECTOR_B = bytes(
            0x00, 0x01, 0x02, 0x03, 0x04, 0x80, 0x01, // n = 64: zig-zag 128 needs two varint bytes
            0x00, // s = "": length 0
            0x81, 0x01, // l = -65: zig-zag 129
            0x00, // b = false
            0x02, 0x04, 0xC3, 0xA9, // opt: branch 1, string of 2 UTF-8 bytes (é)
            0x00, // tags: no blocks
            0, 0, 0, 0, 0, 0, 0, 0xC0); // score = -2.0 = 0xC000000000000000, little-endian

    @AfterAll
    static void dropScope() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldWriteGenericRecordsAsTheHandComputedBytes() {
        try (Serde<GenericRecord> serde = fixedIdSerde()) {
            assertThat(serde.serializer().serialize("golden", recordA())).containsExactly(VECTOR_A);
            assertThat(serde.serializer().serialize("golden", recordB())).containsExactly(VECTOR_B);
        }
    }

    @Test
    void shouldReadTheHandComputedBytesBackIntoEqualRecords() {
        try (Serde<GenericRecord> serde = fixedIdSerde()) {
            assertThat(serde.deserializer().deserialize("golden", VECTOR_A)).isEqualTo(recordA());
            GenericRecord b = serde.deserializer().deserialize("golden", VECTOR_B);
            assertThat(b).isEqualTo(recordB());
            assertThat(b.get("opt")).hasToString("é");
        }
    }

    @Test
    void shouldWriteAndReadPrimitiveKeysAsConfluentDoes() {
        AvroSerializer<Object> serializer =
                new AvroSerializer<>(new FixedIdRegistry(7, Schema.create(Schema.Type.STRING)));
        serializer.configure(TestSchemas.mockConfig(SCOPE), true);
        byte[] orderKey = bytes(0x00, 0, 0, 0, 0x07, 0x0E, 'o', 'r', 'd', 'e', 'r', '-', '1');
        assertThat(serializer.serialize("photos.uploaded", "order-1")).containsExactly(orderKey);

        AvroDeserializer<Object> deserializer =
                new AvroDeserializer<>(new FixedIdRegistry(7, Schema.create(Schema.Type.STRING)));
        deserializer.configure(TestSchemas.mockConfig(SCOPE), true);
        assertThat(deserializer.deserialize("photos.uploaded", orderKey)).isEqualTo("order-1");
    }

    @Test
    void shouldEncodeIntAndLongPrimitivesAsZigZagVarints() {
        AvroSerializer<Object> ints = new AvroSerializer<>(new FixedIdRegistry(1, Schema.create(Schema.Type.INT)));
        ints.configure(TestSchemas.mockConfig(SCOPE), false);
        assertThat(ints.serialize("t", -1)).containsExactly(0x00, 0, 0, 0, 1, 0x01);
        AvroSerializer<Object> longs = new AvroSerializer<>(new FixedIdRegistry(2, Schema.create(Schema.Type.LONG)));
        longs.configure(TestSchemas.mockConfig(SCOPE), false);
        // 2^40 zig-zags to 2^41: five empty 7-bit groups with the continuation bit, then 0x40.
        assertThat(longs.serialize("t", 1L << 40))
                .containsExactly(0x00, 0, 0, 0, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40);
    }

    @Test
    void shouldWriteTopLevelBytesRawWithoutALengthPrefixAsConfluentDoes() {
        FixedIdRegistry registry = new FixedIdRegistry(3, Schema.create(Schema.Type.BYTES));
        AvroSerializer<Object> serializer = new AvroSerializer<>(registry);
        serializer.configure(TestSchemas.mockConfig(SCOPE), false);
        byte[] golden = bytes(0x00, 0, 0, 0, 3, 0xCA, 0xFE);
        assertThat(serializer.serialize("t", new byte[] {(byte) 0xCA, (byte) 0xFE}))
                .containsExactly(golden);
        assertThat(serializer.serialize("t", ByteBuffer.wrap(new byte[] {(byte) 0xCA, (byte) 0xFE})))
                .containsExactly(golden);

        AvroDeserializer<Object> deserializer = new AvroDeserializer<>(registry);
        deserializer.configure(TestSchemas.mockConfig(SCOPE), false);
        assertThat((byte[]) deserializer.deserialize("t", golden)).containsExactly(0xCA, 0xFE);
    }

    @Test
    void shouldReadHandComputedBytesOfTheReleasedUploadEventIntoTheGeneratedClass() {
        Schema released = TestSchemas.load("compat/v1/UploadEvent.avsc");
        int id = MockSchemaRegistry.getClientForScope(SCOPE).register("uploads-value", released);
        byte[] golden = bytes(
                0x00,
                id >>> 24,
                (id >>> 16) & 0xff,
                (id >>> 8) & 0xff,
                id & 0xff,
                0x04,
                'u',
                '1', // upload_id
                0x04,
                'o',
                '1', // order_id
                0x02,
                'x', // user_id
                0x10,
                's',
                '3',
                ':',
                '/',
                '/',
                'b',
                '/',
                'k', // image_uri, 8 bytes
                0x02,
                0x12,
                'i',
                'm',
                'a',
                'g',
                'e',
                '/',
                'p',
                'n',
                'g', // content_type: branch 1, 9 bytes
                0xD0,
                0x0F, // uploaded_at = 1000 ms: zig-zag 2000
                0x02,
                0x02,
                'k',
                0x02,
                'v',
                0x00); // attributes: one entry k -> v, end of blocks

        Deserializer<UploadEvent> deserializer = AvroSerdes.specific(
                        UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                .deserializer();
        UploadEvent event = deserializer.deserialize("uploads", golden);

        assertThat(event.getUploadId()).isEqualTo("u1");
        assertThat(event.getOrderId()).isEqualTo("o1");
        assertThat(event.getUserId()).isEqualTo("x");
        assertThat(event.getImageUri()).isEqualTo("s3://b/k");
        assertThat(event.getContentType()).isEqualTo("image/png");
        assertThat(event.getUploadedAt()).isEqualTo(Instant.ofEpochMilli(1000));
        assertThat(event.getAttributes()).containsExactly(Map.entry("k", "v"));
    }

    private static Serde<GenericRecord> fixedIdSerde() {
        AvroSerde<GenericRecord> serde = new AvroSerde<>(null, new FixedIdRegistry(ID, GOLDEN));
        serde.configure(TestSchemas.mockConfig(SCOPE), false);
        return serde;
    }

    private static GenericRecord recordA() {
        GenericRecord record = new GenericData.Record(GOLDEN);
        record.put("n", 1);
        record.put("s", "hi");
        record.put("l", 300L);
        record.put("b", true);
        record.put("opt", null);
        record.put("tags", List.of("a", "b"));
        record.put("score", 1.5);
        return record;
    }

    private static GenericRecord recordB() {
        GenericRecord record = new GenericData.Record(GOLDEN);
        record.put("n", 64);
        record.put("s", "");
        record.put("l", -65L);
        record.put("b", false);
        record.put("opt", "é");
        record.put("tags", List.of());
        record.put("score", -2.0);
        return record;
    }

    /** A registry that knows one schema under one id: the id the golden bytes were computed with. */
    private static final class FixedIdRegistry implements SchemaRegistryClient {
        private final int id;
        private final Schema schema;

        FixedIdRegistry(int id, Schema schema) {
            this.id = id;
            this.schema = schema;
        }

        @Override
        public int register(String subject, Schema toRegister) {
            return id;
        }

        @Override
        public int getId(String subject, Schema toLookUp) {
            return id;
        }

        @Override
        public Schema getSchemaById(int requested) {
            if (requested != id) {
                throw new SchemaNotFoundException("no schema " + requested, 404);
            }
            return schema;
        }

        @Override
        public RegisteredSchema getLatestVersion(String subject) {
            return new RegisteredSchema(subject, id, 1, schema);
        }
    }
}
