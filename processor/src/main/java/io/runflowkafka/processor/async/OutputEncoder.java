package io.runflowkafka.processor.async;

import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Encodes an output value for one topic before it is forwarded, so that a registry failure is seen by the
 * processor, not by Kafka Streams' sink: there it would be dead-lettered by the exception handlers together
 * with the innocent input record being processed at the time, and the answer would be lost.
 *
 * @param <T> the value type
 */
public final class OutputEncoder<T> {

    private final String topic;
    private final Serializer<T> serializer;

    public OutputEncoder(String topic, Serializer<T> serializer) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    /** The topic the encoded values go to. */
    public String topic() {
        return topic;
    }

    /**
     * Encodes {@code value} as it will be written to {@link #topic()}.
     *
     * @throws OutputUnavailableException when the registry cannot be reached (try again later)
     * @throws OutputRefusedException when the value can never be encoded (a refused schema, a bad record)
     */
    public byte[] encode(T value) {
        try {
            return serializer.serialize(topic, value);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SchemaRegistryUnavailableException) {
                    throw new OutputUnavailableException("cannot write to " + topic + " now: " + cause.getMessage(), e);
                }
            }
            throw new OutputRefusedException(
                    "cannot write to " + topic + " (subject " + topic + "-value): " + e.getMessage(), e);
        }
    }
}
