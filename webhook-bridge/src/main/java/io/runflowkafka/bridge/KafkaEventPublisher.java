package io.runflowkafka.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.runflowkafka.common.trace.Tracing;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events through one idempotent {@code acks=all} producer, serializing the Avro value on the caller's
 * thread (so a Schema Registry failure is an immediate error) and timing each write until its acknowledgement.
 */
final class KafkaEventPublisher implements EventPublisher {

    /** The producer's {@code batch.size} unless set under {@code kafka.}: room for about 20 headshots events. */
    public static final int DEFAULT_BATCH_SIZE = 128 * 1024;
    /** The producer's {@code linger.ms} unless set under {@code kafka.}: each callback waits at most this for its batch. */
    public static final int DEFAULT_LINGER_MS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

    private final Producer<String, byte[]> producer;
    private final Serializer<GenericRecord> valueSerializer;
    private final MeterRegistry registry;
    private final Duration closeTimeout;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /**
     * @param producer the producer to write with (a {@code MockProducer} in tests)
     * @param valueSerializer the Schema Registry serializer for event values
     * @param registry where the produce latency is recorded
     * @param closeTimeout how long {@link #close()} may wait for buffered records
     */
    public KafkaEventPublisher(
            Producer<String, byte[]> producer,
            Serializer<GenericRecord> valueSerializer,
            MeterRegistry registry,
            Duration closeTimeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    /**
     * The producer settings the bridge's guarantee rests on, over the user's {@code kafka.*} properties:
     * {@code acks=all} and idempotence cannot be weakened, and {@code send} may block at most {@code kafkaTimeout}
     * (metadata unknown, buffer full) so a request thread is never held longer than the answer is due. Batching
     * defaults to {@link #DEFAULT_BATCH_SIZE} and {@link #DEFAULT_LINGER_MS} unless the user's properties set it.
     *
     * @throws ConfigException when the user's properties ask for weaker acknowledgements
     */
    public static Map<String, Object> producerProperties(Map<String, Object> userProperties, Duration kafkaTimeout) {
        Map<String, Object> properties = new HashMap<>(userProperties);
        requireUnset(properties, ProducerConfig.ACKS_CONFIG, "all", "-1");
        requireUnset(properties, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, kafkaTimeout.toMillis());
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "webhook-bridge");
        // A 60-URL headshots event is about 5.5 KB: Kafka's 16 KiB default cuts a batch after two of them, so at a
        // few thousand callbacks per second the broker and the producer pay per request, not per byte. Larger
        // batches and a shorter linger keep the answer fast (every callback waits for its batch) while sending
        // fewer, fuller requests. Either can still be set under kafka.*.
        properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }

    private static void requireUnset(Map<String, Object> properties, String key, String... allowed) {
        Object value = properties.get(key);
        if (value == null) {
            return;
        }
        for (String ok : allowed) {
            if (ok.equalsIgnoreCase(value.toString().strip())) {
                return;
            }
        }
        throw new ConfigException(
                "kafka." + key,
                value,
                "the bridge answers 200 only for events acknowledged by " + "all in-sync replicas, so this must stay "
                        + allowed[0]);
    }

    /** Creates the real producer from {@link #producerProperties}. */
    public static Producer<String, byte[]> createProducer(Map<String, Object> userProperties, Duration kafkaTimeout) {
        return new KafkaProducer<>(producerProperties(userProperties, kafkaTimeout));
    }

    @Override
    public CompletableFuture<RecordMetadata> publish(OutgoingEvent event) {
        long started = System.nanoTime();
        byte[] value = valueSerializer.serialize(event.topic(), event.value());
        Long timestamp = timestampOf(event.value());
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(event.topic(), null, timestamp, event.key(), value);
        Tracing.inject(event.trace(), record.headers());
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            // Runs on the producer's I/O thread: only record and hand over, never write an HTTP response here.
            timer(event.topic(), error == null ? "acked" : "failed")
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (error == null) {
                acknowledged.complete(metadata);
            } else {
                acknowledged.completeExceptionally(error);
            }
        });
        return acknowledged;
    }

    private Timer timer(String topic, String result) {
        return timers.computeIfAbsent(
                topic + '/' + result,
                key -> Timer.builder("bridge.kafka.produce")
                        .description(
                                "Time from handing an event to the producer until Kafka acknowledged or refused it")
                        .tag("topic", topic)
                        .tag("result", result)
                        .publishPercentileHistogram()
                        .register(registry));
    }

    /** The record timestamp: when the callback was received, if the event says so. */
    private static Long timestampOf(GenericRecord value) {
        if (value instanceof SpecificRecord && value.getSchema().getField("received_at") != null) {
            Object receivedAt = value.get("received_at");
            if (receivedAt instanceof Instant instant) {
                return instant.toEpochMilli();
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("The Kafka producer did not close cleanly within {}", closeTimeout, e);
        }
        valueSerializer.close();
    }
}
