package io.runflowkafka.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder over one record's bytes that refuses lengths and counts the payload cannot hold before anything is allocated.
 * Avro's BinaryDecoder allocates whatever a length prefix claims, so six hostile bytes could claim a 1 GB string and end a
 * consumer with an OutOfMemoryError instead of a dead-lettered record. Everything else is delegated to Avro's decoder.
 *
 * <p>Limitation by design: an array block may claim no more items than bytes remain, which only a payload of an array of
 * {@code null} or of empty records could legitimately exceed.
 */
final class BoundedDecoder extends Decoder {

    private BinaryDecoder in;

    /** Points this decoder at a freshly configured binary decoder; returns this for chaining. */
    BoundedDecoder wrap(BinaryDecoder binaryDecoder) {
        this.in = binaryDecoder;
        return this;
    }

    /** Whether every byte of the payload has been read. */
    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int length(String what) throws IOException {
        long length = in.readLong();
        int remaining = in.inputStream().available();
        if (length < 0) {
            throw new AvroRuntimeException("malformed data: negative " + what + " length " + length);
        }
        if (length > remaining) {
            throw new EOFException("a " + what + " of " + length + " bytes with only " + remaining + " bytes left");
        }
        return (int) length;
    }

    private long count(long count, String what) throws IOException {
        int remaining = in.inputStream().available();
        if (count > remaining) {
            throw new EOFException(
                    "a block of " + count + " " + what + " items with only " + remaining + " bytes left");
        }
        return count;
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = length("string");
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("bytes");
        ByteBuffer result;
        if (old != null && old.hasArray() && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        in.readFixed(result.array(), result.arrayOffset() + result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return count(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return count(in.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return count(in.skipArray(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return count(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return count(in.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return count(in.skipMap(), "map");
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
