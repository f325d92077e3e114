package io.runflowkafka.processor.orders;

import io.runflowkafka.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's {@link InputBacklog}, read from Kafka itself so that it covers every instance of the
 * application: for one partition, the path of a photo is {@code photos.uploaded} → the gate's pending store →
 * {@code photos.accepted} → the collector, and a check looks at the three places in that order, all
 * {@code read_committed}:
 *
 * <ol>
 *   <li>the application's committed offset on {@code photos.uploaded} has reached the end offset read just
 *       before it (every upload appended before the check began has been read by the gate; Kafka Streams
 *       commits the position of a fully processed partition, so the offsets meet exactly);</li>
 *   <li>then the gate's pending store (its changelog, read to its end) holds no call of that partition;</li>
 *   <li>then the committed offset on {@code photos.accepted} has reached the end offset read just before it.</li>
 * </ol>
 *
 * Each hand-over (read → pending, pending → accepted) is one transaction, so a photo cannot slip between two
 * places the check looked at one after the other. A successful check begun at time T therefore proves that
 * every upload appended before T has been collected (or routed to retake / dead letter).
 *
 * <p>Checks run on a daemon thread, only while the collector has asked within the last few seconds, at most
 * every {@code interval}. Accepted and uploaded partitions are matched by number, which holds when both
 * topics have the same partition count (keys are order ids, partitioned alike); when they differ a partition
 * counts as caught up only when all are.
 */
public final class PipelineBacklog implements InputBacklog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBacklog.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final long ASKED_RECENTLY_MS = 5_000;

    private final Map<String, Object> kafka;
    private final String applicationId;
    private final String uploaded;
    private final String accepted;
    private final String pendingChangelog;
    private final Duration interval;
    private final LongSupplier clock;
    /** Per partition: the start of the latest check that found it caught up. */
    private final Map<Integer, Long> caughtUpAt = new ConcurrentHashMap<>();
    /** Per changelog partition: the keys of the gate's pending calls. */
    private final Map<Integer, Set<Bytes>> pending = new HashMap<>();

    private final Thread thread;
    /** When the collector last asked (0: never), so that nothing is checked while no order waits. */
    private volatile long lastAsked;

    private volatile boolean closed;
    private volatile KafkaConsumer<byte[], byte[]> changelog;

    /**
     * @param kafka the Kafka client properties (bootstrap servers, security)
     * @param applicationId the Kafka Streams application id (consumer group)
     * @param uploaded the quality gate's input topic
     * @param accepted the collector's input topic
     * @param pendingStore the name of the quality gate's pending store
     * @param interval the shortest time between two checks
     */
    public PipelineBacklog(
            Map<String, Object> kafka,
            String applicationId,
            String uploaded,
            String accepted,
            String pendingStore,
            Duration interval) {
        this(kafka, applicationId, uploaded, accepted, pendingStore, interval, System::currentTimeMillis);
    }

    PipelineBacklog(
            Map<String, Object> kafka,
            String applicationId,
            String uploaded,
            String accepted,
            String pendingStore,
            Duration interval,
            LongSupplier clock) {
        this.kafka = Map.copyOf(kafka);
        this.applicationId = applicationId;
        this.uploaded = uploaded;
        this.accepted = accepted;
        this.pendingChangelog = applicationId + "-" + pendingStore + "-changelog";
        this.interval = interval;
        this.clock = clock;
        this.thread = DaemonThreads.named("headshot-orders-backlog").newThread(this::run);
        thread.start();
    }

    @Override
    public boolean caughtUp(int partition, long since) {
        lastAsked = clock.getAsLong();
        Long at = caughtUpAt.get(partition);
        return at != null && at >= since;
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> consumer = changelog;
        if (consumer != null) {
            consumer.wakeup();
        }
        thread.interrupt();
        try {
            thread.join(CALL_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The changelog is Kafka Streams' to create, with its partition count: never let a metadata request create it.
        consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-headshot-orders-backlog");
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (Admin admin = Admin.create(kafka);
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            changelog = consumer;
            while (!closed) {
                if (lastAsked > 0 && clock.getAsLong() - lastAsked < ASKED_RECENTLY_MS) {
                    try {
                        check(admin, consumer);
                    } catch (ExecutionException | TimeoutException | RuntimeException e) {
                        if (closed || e instanceof WakeupException) {
                            break;
                        }
                        LOG.debug("backlog check of {} failed (retried): {}", applicationId, e.toString());
                    }
                }
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn(
                        "the backlog check of {} stopped: idle orders wait for their partition's traffic",
                        applicationId,
                        e);
            }
        }
    }

    private void check(Admin admin, KafkaConsumer<byte[], byte[]> consumer)
            throws ExecutionException, InterruptedException, TimeoutException {
        long began = clock.getAsLong();
        Map<TopicPartition, Long> uploadedEnd = endOffsets(admin, uploaded);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
        Set<Integer> uploadedDone = caughtUpPartitions(uploadedEnd, committed);

        Map<Integer, Integer> pendingCalls = readPendingCalls(admin, consumer);
        if (pendingCalls == null) {
            return;
        }

        Map<TopicPartition, Long> acceptedEnd = endOffsets(admin, accepted);
        committed = committed(admin);
        Set<Integer> acceptedDone = caughtUpPartitions(acceptedEnd, committed);

        boolean sameCount = uploadedEnd.size() == acceptedEnd.size();
        Set<Integer> done = new HashSet<>();
        for (TopicPartition partition : acceptedEnd.keySet()) {
            int p = partition.partition();
            if (uploadedDone.contains(p) && pendingCalls.getOrDefault(p, 0) == 0 && acceptedDone.contains(p)) {
                done.add(p);
            }
        }
        boolean all = done.size() == acceptedEnd.size()
                && uploadedDone.size() == uploadedEnd.size()
                && pendingCalls.values().stream().allMatch(n -> n == 0);
        for (TopicPartition partition : acceptedEnd.keySet()) {
            int p = partition.partition();
            if (sameCount ? done.contains(p) : all) {
                caughtUpAt.merge(p, began, Math::max);
            }
        }
    }

    private Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        var description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Partitions whose committed offset has reached the end (an empty partition needs no commit). */
    private static Set<Integer> caughtUpPartitions(
            Map<TopicPartition, Long> ends, Map<TopicPartition, OffsetAndMetadata> committed) {
        Set<Integer> done = new HashSet<>();
        ends.forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(partition);
            if (end == 0 || (offset != null && offset.offset() >= end)) {
                done.add(partition.partition());
            }
        });
        return done;
    }

    /**
     * Reads the gate's pending-store changelog up to its (read_committed) end and counts the live calls per
     * partition; null when it cannot be read to its end now (not created yet, or too slow).
     */
    private Map<Integer, Integer> readPendingCalls(Admin admin, KafkaConsumer<byte[], byte[]> consumer)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (!admin.listTopics()
                .names()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .contains(pendingChangelog)) {
            // No changelog yet: the gate has never run, so nothing of it can be vouched for.
            return null;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(List.of(pendingChangelog))
                .allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(pendingChangelog)
                .partitions()
                .forEach(info -> partitions.add(new TopicPartition(pendingChangelog, info.partition())));
        if (!consumer.assignment().containsAll(partitions)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            pending.clear();
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CALL_TIMEOUT);
        long giveUp = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, CALL_TIMEOUT) < end.get(p))) {
            if (System.nanoTime() > giveUp) {
                return null;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Set<Bytes> keys = pending.computeIfAbsent(record.partition(), p -> new HashSet<>());
                if (record.value() == null) {
                    keys.remove(Bytes.wrap(record.key()));
                } else {
                    keys.add(Bytes.wrap(record.key()));
                }
            }
        }
        Map<Integer, Integer> counts = new HashMap<>();
        partitions.forEach(p -> counts.put(
                p.partition(), pending.getOrDefault(p.partition(), Set.of()).size()));
        return counts;
    }
}
