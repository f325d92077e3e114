package io.runflowkafka.console;

import io.runflowkafka.common.concurrent.DaemonThreads;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.SchemaRegistryAuthException;
import io.runflowkafka.serde.SchemaRegistryException;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every pipeline topic from its beginning, {@code read_committed}, with the project's Avro serdes, and feeds
 * {@link TopicStats}, {@link OrderBook} and {@link DeadLetterLog}. It assigns partitions itself and joins no consumer
 * group, so it commits nothing and moves no one's offsets; topics created later (or grown) are picked up every
 * {@link #REFRESH}.
 */
final class PipelineReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineReader.class);
    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Duration SKIP_WARN_INTERVAL = Duration.ofMinutes(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> handlers = new HashMap<>();
    private final List<String> topics;
    private final TopicStats stats;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private TopicPartition failedPartition; // the reader thread's own
    private long skippedSinceWarned; // the reader thread's own
    private long lastSkipWarnedAt = System.nanoTime() - SKIP_WARN_INTERVAL.toNanos(); // so the first one is said
    private long failedOffset;

    PipelineReader(ConsoleSettings settings, TopicStats stats, OrderBook orders, DeadLetterLog deadLetters) {
        this.stats = stats;
        this.topics = settings.topics().all();
        Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "runflow-kafka-console");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> serde = settings.schemaRegistry();
        ConsoleSettings.PipelineTopics t = settings.topics();
        handlers.put(t.uploaded(), decoded(t.uploaded(), UploadEvent.class, serde, orders::uploaded));
        handlers.put(t.accepted(), decoded(t.accepted(), ScoredUpload.class, serde, orders::scored));
        handlers.put(t.retake(), decoded(t.retake(), ScoredUpload.class, serde, orders::scored));
        handlers.put(t.jobs(), decoded(t.jobs(), HeadshotJob.class, serde, orders::submitted));
        handlers.put(t.completed(), decoded(t.completed(), HeadshotsCompleted.class, serde, orders::completed));
        handlers.put(t.archived(), decoded(t.archived(), HeadshotsArchived.class, serde, orders::archived));
        Deserializer<UploadEvent> uploads =
                AvroSerdes.specific(UploadEvent.class, serde, false).deserializer();
        for (String dlq : t.deadLetters()) {
            boolean ofUploads = dlq.equals(t.uploadedDeadLetters());
            handlers.put(dlq, record -> {
                // Decoded before anything is kept: a registry outage throws here and the record is read again later.
                Optional<UploadEvent> upload = ofUploads ? upload(uploads, record) : Optional.empty();
                deadLetters.add(record);
                stats.count(record.topic(), record.timestamp(), true);
                upload.ifPresent(
                        u -> orders.deadLettered(u, DeadLetterLog.reason(record.headers()), record.timestamp()));
            });
        }
        this.thread = DaemonThreads.named("console-reader").newThread(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long nextRefresh = 0;
        Set<TopicPartition> assigned = new HashSet<>();
        int failures = 0;
        try {
            while (closing.getCount() > 0) {
                try {
                    if (System.nanoTime() - nextRefresh > 0) {
                        assigned = refresh(assigned);
                        nextRefresh = System.nanoTime() + REFRESH.toNanos();
                    }
                    if (assigned.isEmpty()) {
                        Thread.sleep(200);
                        continue;
                    }
                    handle(consumer.poll(Duration.ofMillis(500)));
                    if (failures > 0 && pastTheRecordThatFailed()) {
                        LOG.info("the console reads the pipeline's topics again");
                        stats.readerProblem(null);
                        failures = 0;
                    }
                } catch (WakeupException | InterruptedException e) {
                    break; // closing
                } catch (RuntimeException e) {
                    // A broker or registry outage: the page says so and the reader tries again, never gives up.
                    failures++;
                    String problem = e instanceof SchemaRegistryException
                            ? "the schema registry cannot be read (" + e.getMessage() + "): figures wait for it"
                            : "the pipeline's topics cannot be read (" + e + "): retrying";
                    if (failures == 1) {
                        LOG.warn("{}", problem, e);
                    }
                    stats.readerProblem(problem);
                    if (!pause(Duration.ofMillis(Math.min(30_000L, 500L << Math.min(failures, 6))))) {
                        break;
                    }
                }
            }
        } finally {
            if (skippedSinceWarned > 0) {
                LOG.warn(
                        "console skipped {} more record(s) no view could take since the last warning",
                        skippedSinceWarned);
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * True once the record the registry failed on has been read (records of other partitions, whose schemas are
     * cached, do not prove the registry is back), or at once after a failure that named no record.
     */
    private boolean pastTheRecordThatFailed() {
        if (failedPartition == null) {
            return true;
        }
        if (consumer.position(failedPartition) > failedOffset) {
            failedPartition = null;
            return true;
        }
        return false;
    }

    /**
     * Feeds each record to its topic's handler. When the registry cannot be read, every partition of the batch is
     * rewound to its first record not yet handled, so nothing is counted twice or skipped once it is back.
     */
    private void handle(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            for (int i = 0; i < batch.size(); i++) {
                try {
                    handlers.get(partition.topic()).accept(batch.get(i));
                } catch (SchemaRegistryUnavailableException | SchemaRegistryAuthException e) {
                    failedPartition = partition;
                    failedOffset = batch.get(i).offset();
                    consumer.seek(partition, failedOffset);
                    rewindUnhandled(records, partition);
                    throw e;
                } catch (RuntimeException e) {
                    // A record no view can take must not stop the others: skipped, and said at most once a minute.
                    skipped(partition, batch.get(i).offset(), e);
                }
            }
        }
    }

    private void skipped(TopicPartition partition, long offset, RuntimeException e) {
        skippedSinceWarned++;
        long now = System.nanoTime();
        if (now - lastSkipWarnedAt >= SKIP_WARN_INTERVAL.toNanos()) {
            LOG.warn(
                    "console skipped {} record(s) no view could take since the last such warning, the last {}@{}",
                    skippedSinceWarned,
                    partition,
                    offset,
                    e);
            lastSkipWarnedAt = now;
            skippedSinceWarned = 0;
        }
    }

    /** Rewinds the partitions after {@code failed} in the batch's order: none of their records was handled. */
    private void rewindUnhandled(ConsumerRecords<byte[], byte[]> records, TopicPartition failed) {
        boolean after = false;
        for (TopicPartition partition : records.partitions()) {
            if (after) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
            after |= partition.equals(failed);
        }
    }

    /** Waits before the next try; false when the console closes meanwhile. */
    private boolean pause(Duration duration) {
        try {
            return !closing.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Adds the partitions of topics that appeared or grew, each read from its beginning. */
    private Set<TopicPartition> refresh(Set<TopicPartition> assigned) {
        Set<TopicPartition> all = new HashSet<>(assigned);
        var existing = consumer.listTopics(Duration.ofSeconds(10));
        for (String topic : topics) {
            var partitions = existing.get(topic);
            if (partitions != null) {
                partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        if (all.size() == assigned.size()) {
            return assigned;
        }
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(assigned);
        consumer.assign(all);
        consumer.seekToBeginning(added);
        LOG.info("console reading {} partition(s) of {}", all.size(), topics);
        return all;
    }

    /** The upload a dead letter holds, when its bytes are one (an undecodable upload is dead-lettered too). */
    private static Optional<UploadEvent> upload(
            Deserializer<UploadEvent> uploads, ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.ofNullable(uploads.deserialize(record.topic(), record.value()));
        } catch (SchemaRegistryUnavailableException | SchemaRegistryAuthException e) {
            throw e;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private <T extends SpecificRecord> Consumer<ConsumerRecord<byte[], byte[]>> decoded(
            String topic, Class<T> type, Map<String, Object> serde, Consumer<T> sink) {
        Deserializer<T> deserializer = AvroSerdes.specific(type, serde, false).deserializer();
        return record -> {
            T value;
            try {
                value = deserializer.deserialize(topic, record.value());
            } catch (SchemaRegistryUnavailableException | SchemaRegistryAuthException e) {
                throw e; // the registry is down or refuses us: not the record's fault, it is read again
            } catch (RuntimeException e) {
                // Someone else's bytes on a pipeline topic: counted, not shown, and no reason to stop reading.
                stats.count(topic, record.timestamp(), false);
                return;
            }
            stats.count(topic, record.timestamp(), true);
            if (value != null) {
                sink.accept(value);
            }
        };
    }

    @Override
    public void close() {
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // A registry call does not see the consumer's wakeup: the thread ends, and closes its consumer, when it
            // returns.
            LOG.warn("the console's reader is still in a call; it stops when that call returns");
        }
    }
}
