package io.runflowkafka.processor.orders;

import io.runflowkafka.processor.AvroTrailingFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary for the processor's internal stores and topics (order state, submission requests,
 * job status): only this application reads them, so they need no registry; a schema change must stay
 * readable by the previous version's reader.
 *
 * @param <T> the generated record class
 */
public final class AvroBinarySerde<T extends SpecificRecordBase> implements Serde<T> {

    private final Class<T> type;
    private final SpecificDatumWriter<T> writer;
    private final AvroTrailingFields<T> reader;

    private AvroBinarySerde(Class<T> type) {
        this.type = type;
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new AvroTrailingFields<>(type);
    }

    /** The serde of one generated record class. */
    public static <T extends SpecificRecordBase> AvroBinarySerde<T> of(Class<T> type) {
        return new AvroBinarySerde<>(type);
    }

    /** Encodes {@code record} as Avro binary. */
    public byte[] encode(T record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            return out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot encode a " + type.getSimpleName(), e);
        }
    }

    /** Decodes Avro binary written by {@link #encode}, of this version or an earlier one (see AvroTrailingFields). */
    public T decode(byte[] bytes) {
        try {
            return reader.read(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "cannot decode a " + type.getSimpleName() + " of " + bytes.length + " bytes", e);
        }
    }

    /** Avro's JSON encoding of a record, for records people read (dead letters). */
    public static byte[] json(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException(
                    "cannot encode a " + record.getSchema().getName() + " as JSON", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
