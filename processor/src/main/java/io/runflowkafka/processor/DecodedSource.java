package io.runflowkafka.processor;

import io.runflowkafka.common.trace.Tracing;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DSL source whose values are decoded inside the topology: an undecodable record is dead-lettered while it is
 * processed, so its dead letter commits in the same transaction as its input offset.
 *
 * <p>Kafka Streams' deserialization handler cannot give that: it sends the dead letter when the record is
 * buffered, before it is processed, and a commit in between (the end of a loop, a revocation) stores the offset
 * of the undecodable record itself. A crash or a rebalance there dead-letters it again
 * ({@code UndecodableInputTransactionIT}). The processor therefore leaves Kafka Streams' handler at
 * log-and-fail, for its internal topics only.
 */
public final class DecodedSource {

    private static final Logger LOG = LoggerFactory.getLogger(DecodedSource.class);

    private DecodedSource() {}

    /**
     * The records of {@code topic}, decoded with {@code values}; those that do not decode go to
     * {@code deadLetterTopic} as they were, with {@link DeadLetters} headers of stage {@code deserialize}.
     *
     * @param name the source's name; its decoding and dead-letter nodes are named after it
     */
    public static <T> KStream<String, T> stream(
            StreamsBuilder builder, String topic, Deserializer<T> values, String deadLetterTopic, String name) {
        var outcomes = decode(builder, topic, values, name)
                .split(Named.as(name + "-"))
                .branch(
                        (key, decoded) -> decoded instanceof Decoded.Undecodable<T>,
                        Branched.withConsumer(
                                undecodable -> undecodable
                                        .mapValues(
                                                decoded -> ((Decoded.Undecodable<T>) decoded).bytes(),
                                                Named.as(name + "-undecodable-bytes"))
                                        .to(
                                                deadLetterTopic,
                                                Produced.with(Serdes.String(), Serdes.ByteArray())
                                                        .withName(name + "-dead-letter")),
                                "undecodable"))
                .defaultBranch(Branched.as("decoded"));
        return values(outcomes.get(name + "-decoded"), name);
    }

    /**
     * The records of {@code topic}, decoded with {@code values}; those that do not decode are logged and skipped.
     * For a view of a topic that another consumer owns and dead-letters (a second dead letter would be a copy).
     */
    public static <T> KStream<String, T> streamSkippingUndecodable(
            StreamsBuilder builder, String topic, Deserializer<T> values, String name) {
        return values(
                decode(builder, topic, values, name)
                        .filter((key, decoded) -> decoded instanceof Decoded.Value<T>, Named.as(name + "-decoded")),
                name);
    }

    private static <T> KStream<String, Decoded<T>> decode(
            StreamsBuilder builder, String topic, Deserializer<T> values, String name) {
        return builder.stream(
                        topic,
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name))
                .processValues(() -> new Decoder<>(values), Named.as(name + "-decode"));
    }

    private static <T> KStream<String, T> values(KStream<String, Decoded<T>> decoded, String name) {
        return decoded.mapValues(value -> ((Decoded.Value<T>) value).value(), Named.as(name + "-value"));
    }

    /** What decoding a record's value gave. */
    sealed interface Decoded<T> {

        /** The decoded value (null for a tombstone). */
        record Value<T>(T value) implements Decoded<T> {}

        /** Bytes that are not a {@code T}. */
        record Undecodable<T>(byte[] bytes) implements Decoded<T> {}
    }

    private static final class Decoder<T> implements FixedKeyProcessor<String, byte[], Decoded<T>> {

        private final Deserializer<T> values;
        private FixedKeyProcessorContext<String, Decoded<T>> context;

        Decoder(Deserializer<T> values) {
            this.values = values;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Decoded<T>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            RecordMetadata source = context.recordMetadata().orElseThrow();
            try {
                context.forward(record.withValue(
                        new Decoded.Value<>(values.deserialize(source.topic(), record.headers(), record.value()))));
            } catch (SerializationException e) {
                // Bad bytes only: a registry that is down or refuses us fails the stream thread instead (Kafka
                // Streams retries it), so an outage never empties a topic into the dead-letter topic.
                LOG.warn(
                        "{}-{}@{} does not decode: {}",
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        e.getMessage());
                context.forward(record.withValue((Decoded<T>) new Decoded.Undecodable<T>(record.value()))
                        .withHeaders(Tracing.inject(
                                // The dead letter stays in the trace of the record it keeps.
                                Tracing.spanContext(record.headers()),
                                DeadLetters.headers(
                                        e, "deserialize", 0, source.topic(), source.partition(), source.offset()))));
            }
        }
    }
}
