package io.runflowkafka.processor.gate;

import io.runflowkafka.schema.UploadEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes {@code photos.uploaded} values with the registry-aware Avro deserializer and keeps the raw
 * bytes beside the result. Bad bytes throw {@link SerializationException}, which the quality gate
 * dead-letters.
 */
public final class UploadDeserializer implements Deserializer<Upload> {

    private final Deserializer<UploadEvent> avro;

    public UploadDeserializer(Deserializer<UploadEvent> avro) {
        this.avro = avro;
    }

    @Override
    public Upload deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public Upload deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            throw new SerializationException("upload record without a value (tombstone) on " + topic);
        }
        UploadEvent event = avro.deserialize(topic, headers, data);
        if (event == null) {
            throw new SerializationException("upload record decoded to nothing on " + topic);
        }
        return new Upload(event, data);
    }

    @Override
    public void close() {
        avro.close();
    }
}
