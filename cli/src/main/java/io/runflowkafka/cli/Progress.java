package io.runflowkafka.cli;

import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.serde.AvroSerdes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Follows the demo's topics (read_committed, from where they stood before the feed) and tells what happened. */
final class Progress implements AutoCloseable {

    private static final List<String> TOPICS = List.of(
            "photos.accepted",
            "photos.retake",
            "photos.uploaded.dlq",
            "headshots.jobs",
            "headshots.jobs.dlq",
            "headshots.completed",
            "headshots.archived",
            "headshots.completed.dlq");

    private final DemoFeed feed;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<ScoredUpload> scored;
    private final Deserializer<HeadshotJob> jobs;
    private final Deserializer<HeadshotsCompleted> completions;
    private final Deserializer<HeadshotsArchived> archives;

    private final List<ScoredUpload> accepted = new ArrayList<>();
    private final List<ScoredUpload> retakes = new ArrayList<>();
    private final List<String> deadUploads = new ArrayList<>();
    private final Map<String, HeadshotJob> jobByOrder = new LinkedHashMap<>();
    private final Map<String, String> orderByHeadshots = new HashMap<>();
    private final Map<String, HeadshotsCompleted> completed = new HashMap<>();
    private final Map<String, HeadshotsArchived> archived = new LinkedHashMap<>();
    private final List<String> failedOrders = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> unmatched = new ArrayList<>();

    /** Starts following; call before the feed is sent so nothing is missed. */
    Progress(String bootstrap, String registryUrl, DemoFeed feed) {
        this.feed = feed;
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> serde = Map.of("schema.registry.url", registryUrl);
        this.scored = AvroSerdes.specific(ScoredUpload.class, serde, false).deserializer();
        this.jobs = AvroSerdes.specific(HeadshotJob.class, serde, false).deserializer();
        this.completions =
                AvroSerdes.specific(HeadshotsCompleted.class, serde, false).deserializer();
        this.archives =
                AvroSerdes.specific(HeadshotsArchived.class, serde, false).deserializer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Polls until every order with photos by URL is archived, or failed, or the time is up; returns true when all archived. */
    boolean watch(PrintWriter out, Duration timeout, boolean console) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long lastLine = 0;
        while (System.nanoTime() < deadline && !finished()) {
            consumer.poll(Duration.ofMillis(250)).forEach(this::record);
            long now = System.nanoTime();
            if (console || now - lastLine > 2_000_000_000L) {
                out.print((console ? "\r" : "") + line((now - started) / 1e9) + (console ? "" : "\n"));
                out.flush();
                lastLine = now;
            }
        }
        out.println((console ? "\r" : "") + line((System.nanoTime() - started) / 1e9));
        out.flush();
        return archivedOrders() == expectedOrders().size()
                && scoredCount() == feed.uploads().size();
    }

    Summary summary() {
        return new Summary(
                feed,
                List.copyOf(accepted),
                List.copyOf(retakes),
                List.copyOf(deadUploads),
                Map.copyOf(jobByOrder),
                Map.copyOf(archived),
                List.copyOf(failedOrders));
    }

    private boolean finished() {
        boolean allScored = scoredCount() == feed.uploads().size();
        return allScored
                && archivedOrders() + failedOrders.size() >= expectedOrders().size();
    }

    /** The orders that end with a job: every sample order, and the user's own once one of its photos is accepted. */
    private Set<String> expectedOrders() {
        return feed.ordersWithJobs(
                accepted.stream().map(ScoredUpload::getOrderId).toList());
    }

    private int scoredCount() {
        return accepted.size() + retakes.size() + deadUploads.size();
    }

    private long archivedOrders() {
        return archived.keySet().stream().filter(expectedOrders()::contains).count();
    }

    private String line(double seconds) {
        return String.format(
                Locale.ROOT,
                "  scored %d/%d (accepted %d, retake %d, dlq %d) · jobs %d/%d · completed %d · archived %d · %.0f s   ",
                scoredCount(),
                feed.uploads().size(),
                accepted.size(),
                retakes.size(),
                deadUploads.size(),
                jobByOrder.size(),
                expectedOrders().size(),
                completed.size(),
                archivedOrders(),
                seconds);
    }

    private void record(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        switch (record.topic()) {
            case "photos.accepted", "photos.retake" -> {
                if (feed.orders().contains(key)) {
                    ScoredUpload upload = scored.deserialize(record.topic(), record.value());
                    (record.topic().equals("photos.accepted") ? accepted : retakes).add(upload);
                }
            }
            case "photos.uploaded.dlq" -> {
                if (feed.orders().contains(key)) {
                    deadUploads.add(key);
                }
            }
            case "headshots.jobs" -> {
                if (feed.orders().contains(key)) {
                    HeadshotJob job = jobs.deserialize(record.topic(), record.value());
                    jobByOrder.put(key, job);
                    orderByHeadshots.put(job.getHeadshotsId(), key);
                    unmatched.removeIf(this::matched);
                }
            }
            case "headshots.jobs.dlq" -> {
                if (feed.orders().contains(key)) {
                    failedOrders.add(key);
                }
            }
            default -> {
                if (!matched(record)) {
                    unmatched.add(record); // a completion can be read before its job record
                }
            }
        }
    }

    private boolean matched(ConsumerRecord<byte[], byte[]> record) {
        String headshotsId =
                record.key() == null ? "" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        String order = orderByHeadshots.get(headshotsId);
        if (order == null) {
            return false;
        }
        switch (record.topic()) {
            case "headshots.completed" -> completed.put(order, completions.deserialize(record.topic(), record.value()));
            case "headshots.archived" -> archived.put(order, archives.deserialize(record.topic(), record.value()));
            case "headshots.completed.dlq" -> failedOrders.add(order);
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
