package io.runflowkafka.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The Confluent wire format's header: magic byte 0, then the schema id as a 4-byte big-endian int, then the Avro binary. */
final class WireFormat {

    static final byte MAGIC_BYTE = 0x0;
    static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** Checks the header and returns the schema id it carries; every malformed header is a {@link SerializationException}. */
    static int schemaId(byte[] data) {
        if (data.length == 0) {
            throw new SerializationException("empty payload (0 bytes): not Confluent Avro wire format"
                    + " (magic byte 0x00, 4-byte schema id, Avro binary)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "unknown magic byte 0x%02x at offset 0: not Confluent Avro wire format%s",
                    data[0] & 0xff, hint(data[0])));
        }
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("truncated header: payload has " + data.length + " bytes, fewer than the "
                    + HEADER_SIZE + " of the Confluent Avro header (magic byte 0x00, 4-byte schema id)");
        }
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }

    /** Writes the 5-byte header into the start of {@code target}. */
    static void writeHeader(int schemaId, byte[] target) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    private static String hint(byte first) {
        switch (first) {
            case '{':
            case '[':
                return " (is this JSON?)";
            case '"':
                return " (is this a JSON string?)";
            default:
                return first >= 0x20 && first < 0x7f ? " (it looks like text)" : "";
        }
    }
}
