package io.runflowkafka.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic administration for tests: idempotent creation that returns once every partition has a leader,
 * so a test can produce and consume right away.
 */
public final class KafkaTopics {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;

    /** Administers the cluster at {@code bootstrapServers}. */
    public KafkaTopics(String bootstrapServers) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** Creates {@code topic} with {@code partitions} partitions unless it already exists with that many. */
    public void create(String topic, int partitions) {
        create(topic, partitions, Map.of());
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and topic {@code configs} (e.g.
     * {@code cleanup.policy=compact}), with the cluster's default replication factor. Calling it again for an
     * existing topic with the same partition count does nothing.
     *
     * @throws IllegalStateException if the topic exists with another partition count
     */
    public void create(String topic, int partitions, Map<String, String> configs) {
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs);
        try (Admin admin = admin()) {
            try {
                get(admin.createTopics(List.of(newTopic)).all());
            } catch (TopicExistsException e) {
                int existing = get(admin.describeTopics(List.of(topic)).allTopicNames())
                        .get(topic)
                        .partitions()
                        .size();
                if (existing != partitions) {
                    throw new IllegalStateException(
                            "Topic " + topic + " exists with " + existing + " partitions, not the " + partitions
                                    + " asked for",
                            e);
                }
            }
            Waits.await("every partition of topic " + topic + " to have a leader")
                    .ignoreExceptionsInstanceOf(UnknownTopicOrPartitionException.class)
                    .until(() ->
                            hasLeaders(get(admin.describeTopics(List.of(topic)).allTopicNames())
                                    .get(topic)));
        }
    }

    /** The number of partitions of {@code topic}. */
    public int partitionCount(String topic) {
        try (Admin admin = admin()) {
            return get(admin.describeTopics(List.of(topic)).allTopicNames())
                    .get(topic)
                    .partitions()
                    .size();
        }
    }

    /** The names of all topics the cluster lists to clients (internal ones excluded). */
    public Set<String> names() {
        try (Admin admin = admin()) {
            return get(admin.listTopics().names());
        }
    }

    /** Deletes the given topics; topics that do not exist are ignored. */
    public void delete(String... topics) {
        try (Admin admin = admin()) {
            for (String topic : topics) {
                try {
                    get(admin.deleteTopics(List.of(topic)).all());
                } catch (UnknownTopicOrPartitionException e) {
                    // Deleting is idempotent for tests: the topic is gone either way.
                }
            }
        }
    }

    private static boolean hasLeaders(TopicDescription description) {
        return description.partitions().stream().allMatch(partition -> partition.leader() != null);
    }

    private Admin admin() {
        int timeoutMs = (int) ADMIN_TIMEOUT.toMillis();
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    /**
     * Waits for an admin result, bounded, unwrapping Kafka's exception so callers can catch
     * {@link TopicExistsException} and friends directly.
     */
    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka admin call timed out after " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a Kafka admin call", e);
        }
    }
}
