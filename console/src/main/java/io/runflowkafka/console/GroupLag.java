package io.runflowkafka.console;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer-group lag on the pipeline's topics, from the Admin client: for each group that committed offsets on one of
 * them, the committed offsets against the topics' last stable offsets ({@code read_committed}), summed per topic.
 */
final class GroupLag implements AutoCloseable {

    private static final long TIMEOUT_S = 10;

    /** One group's lag on one topic. */
    record View(String group, String topic, long lag, int partitions) {}

    private final Admin admin;
    private final Set<String> topics;
    private volatile List<View> latest = List.of();
    private volatile String error;

    GroupLag(ConsoleSettings settings) {
        Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "runflow-kafka-console-admin");
        this.admin = Admin.create(config);
        this.topics = Set.copyOf(settings.topics().all());
    }

    /** Asks the cluster again; keeps the last answer, and the error, when it cannot. */
    void refresh() {
        try {
            List<String> groups = admin.listConsumerGroups().all().get(TIMEOUT_S, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId)
                    .sorted()
                    .toList();
            // One request for every group (the Admin client batches them per coordinator), not one per group.
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            groups.forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
            Map<String, Map<TopicPartition, OffsetAndMetadata>> all = groups.isEmpty()
                    ? Map.of()
                    : admin.listConsumerGroupOffsets(specs).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new TreeMap<>();
            all.forEach((group, groupOffsets) -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = groupOffsets.entrySet().stream()
                        .filter(e -> topics.contains(e.getKey().topic()) && e.getValue() != null)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                if (!offsets.isEmpty()) {
                    committed.put(group, offsets);
                }
            });
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            committed.values().forEach(o -> o.keySet().forEach(p -> wanted.put(p, OffsetSpec.latest())));
            var ends = admin.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            List<View> views = new ArrayList<>();
            committed.forEach((group, offsets) -> {
                Map<String, long[]> perTopic = new TreeMap<>();
                offsets.forEach((partition, at) -> {
                    long end = ends.get(partition).offset();
                    long[] sum = perTopic.computeIfAbsent(partition.topic(), t -> new long[2]);
                    sum[0] += Math.max(0, end - at.offset());
                    sum[1]++;
                });
                perTopic.forEach((topic, sum) -> views.add(new View(group, topic, sum[0], (int) sum[1])));
            });
            latest = List.copyOf(views);
            error = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            error = "cannot read consumer-group lag: " + e.getMessage();
        }
    }

    List<View> views() {
        return latest;
    }

    /** Why the last refresh failed, or null. */
    String error() {
        return error;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
