package io.runflowkafka.processor.async;

import io.runflowkafka.processor.AvroTrailingFields;
import io.runflowkafka.processor.internal.PendingCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary for the pending-call store: an internal changelog the processor alone reads, so
 * it needs no registry; a schema change here must stay readable by the previous version's reader.
 */
public final class PendingCallSerde implements Serde<PendingCall> {

    private static final SpecificDatumWriter<PendingCall> WRITER = new SpecificDatumWriter<>(PendingCall.class);
    private static final AvroTrailingFields<PendingCall> READER = new AvroTrailingFields<>(PendingCall.class);

    @Override
    public Serializer<PendingCall> serializer() {
        return (topic, call) -> {
            if (call == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                WRITER.write(call, encoder);
                return out.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode a pending call", e);
            }
        };
    }

    @Override
    public Deserializer<PendingCall> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return READER.read(bytes); // also a call stored by an earlier version (see AvroTrailingFields)
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode a pending call of " + bytes.length + " bytes", e);
            }
        };
    }
}
