package io.runflowkafka.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Producers, consumers and read helpers for tests, configured the way this project runs Kafka: idempotent
 * {@code acks=all} producers and {@code read_committed} consumers. Serializers are always explicit, so the same
 * helpers serve strings, bytes and the project's Avro serdes.
 */
public final class KafkaClients {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final String bootstrapServers;

    /** Clients for the cluster at {@code bootstrapServers}. */
    public KafkaClients(String bootstrapServers) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** The address these clients bootstrap from. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Producer settings: idempotent, {@code acks=all}, sent immediately. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return config;
    }

    /** Consumer settings: {@code read_committed}, from the earliest offset, no auto commit; {@code groupId} may be null. */
    public Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    /** An idempotent producer; close it after use (try-with-resources). */
    public <K, V> KafkaProducer<K, V> producer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return producer(keySerializer, valueSerializer, Map.of());
    }

    /** An idempotent producer with {@code overrides} on top of {@link #producerConfig()}. */
    public <K, V> KafkaProducer<K, V> producer(
            Serializer<K> keySerializer, Serializer<V> valueSerializer, Map<String, ?> overrides) {
        Map<String, Object> config = producerConfig();
        config.putAll(overrides);
        return new KafkaProducer<>(config, keySerializer, valueSerializer);
    }

    /**
     * A transactional producer with {@code transactionalId}, already past {@code initTransactions()}: call
     * {@code beginTransaction()} next. Use {@link Unique#name(String)} for the id unless a test means to fence.
     */
    public <K, V> KafkaProducer<K, V> transactionalProducer(
            String transactionalId, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        KafkaProducer<K, V> producer = producer(
                keySerializer,
                valueSerializer,
                Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        Objects.requireNonNull(transactionalId, "transactionalId")));
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return producer;
    }

    /** A {@code read_committed} consumer in group {@code groupId}, starting from the earliest offset. */
    public <K, V> KafkaConsumer<K, V> consumer(
            String groupId, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return consumer(groupId, keyDeserializer, valueDeserializer, Map.of());
    }

    /** A consumer with {@code overrides} on top of {@link #consumerConfig(String)}. */
    public <K, V> KafkaConsumer<K, V> consumer(
            String groupId,
            Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer,
            Map<String, ?> overrides) {
        Map<String, Object> config = consumerConfig(groupId);
        config.putAll(overrides);
        return new KafkaConsumer<>(config, keyDeserializer, valueDeserializer);
    }

    /**
     * Reads {@code topic} from the beginning with a {@code read_committed} consumer until at least {@code count}
     * records arrived or {@code atMost} passed, and returns every record read (possibly more than {@code count},
     * which is how a test sees duplicates; fewer when time ran out). Joins no group and commits nothing.
     */
    public <K, V> List<ConsumerRecord<K, V>> drain(
            String topic,
            Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer,
            int count,
            Duration atMost) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + atMost.toNanos();
        try (KafkaConsumer<K, V> consumer = readerOf(keyDeserializer, valueDeserializer)) {
            consumer.assign(partitions(consumer, topic, atMost));
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(POLL_TIMEOUT).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Reads every committed record of {@code topic} present now: the {@code read_committed} end offsets (the last
     * stable offsets) are taken first, then the topic is read up to them, bounded by {@link Waits#DEFAULT_TIMEOUT}.
     * Use it to count outputs exactly, e.g. to show there is no duplicate.
     */
    public <K, V> List<ConsumerRecord<K, V>> readAllCommitted(
            String topic, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = readerOf(keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = partitions(consumer, topic, Waits.DEFAULT_TIMEOUT);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Waits.DEFAULT_TIMEOUT);
            Waits.await("reading " + topic + " up to its last stable offsets " + end)
                    .until(() -> {
                        consumer.poll(POLL_TIMEOUT).forEach(records::add);
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return records;
    }

    /** Shorthand for {@link #readAllCommitted} of raw bytes, for counting records whatever their format. */
    public int countCommitted(String topic) {
        return readAllCommitted(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .size();
    }

    /**
     * Kafka Streams settings for a test application: {@code exactly_once_v2}, state under {@code stateDirectory}.
     * Keys are spelled out so the test kit does not force kafka-streams onto modules that do not use it.
     */
    public Properties streamsConfig(String applicationId, Path stateDirectory) {
        Properties config = new Properties();
        config.put("application.id", Objects.requireNonNull(applicationId, "applicationId"));
        config.put("bootstrap.servers", bootstrapServers);
        config.put("processing.guarantee", "exactly_once_v2");
        config.put("state.dir", stateDirectory.toAbsolutePath().toString());
        config.put("consumer." + ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** A group-less reader that never creates the topic it asks about. */
    private <K, V> KafkaConsumer<K, V> readerOf(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return consumer(
                null,
                keyDeserializer,
                valueDeserializer,
                Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration atMost) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, atMost);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist");
        }
        return infos.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
    }
}
