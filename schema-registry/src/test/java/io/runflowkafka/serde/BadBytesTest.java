package io.runflowkafka.serde;

import static io.runflowkafka.serde.TestSchemas.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.UploadEvent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every malformed payload must be a SerializationException that says what was wrong, so a handler can dead-letter it. */
class BadBytesTest {

    private static final String SCOPE = "bad-bytes-test";
    private static final Schema GOLDEN = TestSchemas.load("serde/Golden.avsc");
    private static int stringId;
    private static int goldenId;
    private static int uploadId;

    @BeforeAll
    static void registerSchemas() {
        SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(SCOPE);
        stringId = registry.register("strings-value", Schema.create(Schema.Type.STRING));
        goldenId = registry.register("golden-value", GOLDEN);
        uploadId = registry.register("photos.uploaded-value", UploadEvent.getClassSchema());
    }

    @AfterAll
    static void dropScope() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldNameTheMagicByteAndSuspectJson() {
        byte[] json = "{\"upload_id\":\"u1\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> generic().deserialize("t", json))
                .isInstanceOf(SerializationException.class)
                .hasMessage("unknown magic byte 0x7b at offset 0: not Confluent Avro wire format (is this JSON?)");
    }

    @Test
    void shouldNameANonTextMagicByteWithoutGuessing() {
        assertThatThrownBy(() -> generic().deserialize("t", bytes(0x01, 0, 0, 0, 1, 0)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("unknown magic byte 0x01 at offset 0: not Confluent Avro wire format");
    }

    @Test
    void shouldRefuseAnEmptyPayload() {
        assertThatThrownBy(() -> generic().deserialize("t", new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("empty payload (0 bytes)");
    }

    @Test
    void shouldRefuseAHeaderShorterThanFiveBytes() {
        assertThatThrownBy(() -> generic().deserialize("t", bytes(0x00, 0x00, 0x01)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("truncated header: payload has 3 bytes, fewer than the 5");
    }

    @Test
    void shouldNameAnUnknownSchemaId() {
        assertThatThrownBy(() -> generic().deserialize("t", bytes(0x00, 0x00, 0x00, 0x30, 0x39, 0x02)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("unknown schema id 12345 at offset 1")
                .hasCauseInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void shouldHintAtAnotherWireFormatForSchemaIdZero() {
        assertThatThrownBy(() -> generic().deserialize("t", bytes(0x00, 0, 0, 0, 0, 0, 0, 0, 5, 0x02)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema id 0")
                .hasMessageContaining("8-byte ids");
    }

    @Test
    void shouldReportATruncatedPayload() {
        byte[] whole = AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                .serializer()
                .serialize("photos.uploaded", SampleRecords.upload("up-1"));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);

        assertThatThrownBy(() -> specific().deserialize("photos.uploaded", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("truncated payload")
                .hasMessageContaining("io.runflowkafka.schema.UploadEvent (schema id " + uploadId + ")");
    }

    @Test
    void shouldReportBytesLeftOverAfterTheRecord() {
        byte[] string = bytes(0x00, 0, 0, 0, stringId, 0x02, 'x', 0x7f);

        assertThatThrownBy(() -> generic().deserialize("t", string))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes left over");
    }

    @Test
    void shouldReportAPayloadThatDoesNotDecode() {
        // n=1, s="", l=0, b=true, then union branch 5 of a two-branch union.
        byte[] badUnion = bytes(0x00, 0, 0, 0, goldenId, 0x02, 0x00, 0x00, 0x01, 0x0A);

        assertThatThrownBy(() -> generic().deserialize("t", badUnion))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith(
                        "payload does not decode as io.runflowkafka.serde.test.Golden (schema id " + goldenId);
    }

    @Test
    void shouldRefuseANegativeLength() {
        assertThatThrownBy(() -> generic().deserialize("t", bytes(0x00, 0, 0, 0, stringId, 0x03, 'x')))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("negative string length -2");
    }

    @Test
    void shouldRefuseAHugeClaimedLengthWithoutAllocatingIt() {
        // Six bytes claiming a string of 1,000,000,000 bytes: Avro alone would try to allocate them.
        byte[] hostile = bytes(0x00, 0, 0, 0, stringId, 0x80, 0xA8, 0xD6, 0xB9, 0x07, 'x');

        assertThatThrownBy(() -> generic().deserialize("t", hostile))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("truncated payload")
                .hasMessageContaining("a string of 1000000000 bytes with only 1 bytes left");
    }

    @Test
    void shouldRefuseAHugeClaimedItemCountWithoutAllocatingIt() {
        // Golden up to tags, then an array block claiming 1,000,000,000 items.
        byte[] hostile =
                bytes(0x00, 0, 0, 0, goldenId, 0x02, 0x00, 0x00, 0x01, 0x00, 0x80, 0xA8, 0xD6, 0xB9, 0x07, 0x02, 'a');

        assertThatThrownBy(() -> generic().deserialize("t", hostile))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("a block of 1000000000 array items with only 2 bytes left");
    }

    @Test
    void shouldRefuseAValueThatIsNotAvro() {
        Serializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(TestSchemas.mockConfig(SCOPE), false);

        assertThatThrownBy(() -> serializer.serialize("t", Map.of("not", "a record")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot serialize a java.util.");
    }

    @Test
    void shouldNameTheFieldOfARecordAvroCannotWrite() {
        UploadEvent missingOrder = SampleRecords.upload("u");
        missingOrder.setOrderId(null);

        assertThatThrownBy(() -> AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                        .serializer()
                        .serialize("photos.uploaded", missingOrder))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "Could not serialize io.runflowkafka.schema.UploadEvent for topic 'photos.uploaded'")
                .hasMessageContaining("order_id");
    }

    @Test
    void shouldKeepWorkingAfterAFailedWrite() {
        Serializer<UploadEvent> serializer = AvroSerdes.specific(
                        UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                .serializer();
        UploadEvent broken = SampleRecords.upload("broken");
        broken.setImageUri(null);
        assertThatThrownBy(() -> serializer.serialize("photos.uploaded", broken))
                .isInstanceOf(SerializationException.class);

        byte[] next = serializer.serialize("photos.uploaded", SampleRecords.upload("after"));

        assertThat(specific().deserialize("photos.uploaded", next)).isEqualTo(SampleRecords.upload("after"));
    }

    private static Deserializer<Object> generic() {
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        deserializer.configure(TestSchemas.mockConfig(SCOPE), false);
        return deserializer;
    }

    private static Deserializer<UploadEvent> specific() {
        return AvroSerdes.specific(UploadEvent.class, TestSchemas.mockConfig(SCOPE), false)
                .deserializer();
    }
}
