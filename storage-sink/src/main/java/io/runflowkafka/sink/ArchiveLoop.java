package io.runflowkafka.sink;

import io.runflowkafka.common.ops.Health;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.SchemaRegistryAuthException;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import io.runflowkafka.sink.archive.Manifest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: a bounded window of events archived concurrently, committed in order. Records are
 * handed to the archiver as they are polled, as long as fewer than {@code maxEventsInFlight} events are in flight
 * (partitions are paused otherwise, and the consumer is still polled so it keeps its group membership). Every
 * {@code commitInterval}, the events that finished at the head of each partition are written in one Kafka
 * transaction (each event's HeadshotsArchived or its dead letter) together with their input offsets
 * ({@code sendOffsetsToTransaction}). An event that failed transiently stops its partition there: the partition
 * is rewound to it, the events behind it are dropped, and it is paused for a growing backoff. A revoked
 * partition commits what it finished and drops the rest, which its new owner redoes cheaply (the archive is
 * idempotent).
 */
public final class ArchiveLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveLoop.class);
    private static final Duration BUSY_POLL = Duration.ofMillis(20);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Topics and timings.
     *
     * @param completedTopic input: HeadshotsCompleted
     * @param archivedTopic output: HeadshotsArchived, keyed by headshots id
     * @param dlqTopic output: dead letters of the input
     * @param pollTimeout longest wait in one poll when idle
     * @param commitInterval how long finished events may wait for their transaction
     * @param retryBackoff pause of a partition after its first transient failure, doubled for each further one
     * @param maxRetryBackoff longest such pause
     * @param maxEventsInFlight events archived at the same time
     */
    public record Settings(
            String completedTopic,
            String archivedTopic,
            String dlqTopic,
            Duration pollTimeout,
            Duration commitInterval,
            Duration retryBackoff,
            Duration maxRetryBackoff,
            int maxEventsInFlight) {}

    private final Settings settings;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Deserializer<HeadshotsCompleted> completedDeserializer;
    private final Serializer<HeadshotsArchived> archivedSerializer;
    private final Archiver archiver;
    private final String archiveUri;
    private final SinkMetrics metrics;
    private final Health health;
    private final Clock clock;
    private final ExecutorService events;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    // Two completions of one job in flight run one after the other, so the second sees the first's manifest.
    private final Map<String, CompletableFuture<Outcome>> lastOfJob = new ConcurrentHashMap<>();

    // Touched only by the loop thread (rebalance callbacks run inside poll, on that thread).
    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private final Map<TopicPartition, Deque<Work>> inFlight = new HashMap<>();
    private final Map<TopicPartition, Backoff> backoffs = new HashMap<>();
    private int inFlightCount;
    private long lastCommitNanos = System.nanoTime();

    /**
     * A loop; {@link #run()} starts consuming.
     *
     * @param consumers makes the consumer (byte[] key and value, read_committed, no auto-commit)
     * @param producers makes a transactional producer; called again to replace a fenced one
     */
    public ArchiveLoop(
            Settings settings,
            Supplier<Consumer<byte[], byte[]>> consumers,
            Supplier<Producer<byte[], byte[]>> producers,
            Deserializer<HeadshotsCompleted> completedDeserializer,
            Serializer<HeadshotsArchived> archivedSerializer,
            Archiver archiver,
            String archiveUri,
            SinkMetrics metrics,
            Health health,
            Clock clock) {
        this.settings = settings;
        this.consumers = consumers;
        this.producers = producers;
        this.completedDeserializer = completedDeserializer;
        this.archivedSerializer = archivedSerializer;
        this.archiver = archiver;
        this.archiveUri = archiveUri;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        AtomicInteger threadNumber = new AtomicInteger();
        // Events dropped after a rewind may still be finishing, so the pool is larger than the window.
        this.events = Executors.newFixedThreadPool(2 * settings.maxEventsInFlight(), task -> {
            Thread thread = new Thread(task, "sink-event-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        health.down("kafka", "starting");
    }

    @Override
    public void run() {
        try {
            open();
            while (running.get()) {
                pollOnce();
            }
            commitOnShutdown();
        } catch (WakeupException e) {
            if (running.get()) {
                health.fatal("kafka", "consumer woken up unexpectedly");
                throw e;
            }
            commitOnShutdown();
        } catch (AuthenticationException | AuthorizationException e) {
            // A configuration fault: say so once and stop, rather than retry a refused login forever.
            health.fatal("kafka", "Kafka refused the sink's credentials or ACLs: " + e.getMessage());
            LOG.error("Kafka refused the sink's credentials or ACLs; stopping: {}", e.getMessage());
        } catch (RuntimeException | Error e) {
            health.fatal("kafka", "consumer loop failed: " + e.getClass().getSimpleName());
            LOG.error("consumer loop failed; the sink stops consuming", e);
            throw e;
        } finally {
            shutdown();
        }
    }

    /** Creates the clients and subscribes; the first step of {@link #run()}, separate so tests can step the loop. */
    void open() {
        consumer = consumers.get();
        producer = newProducer();
        consumer.subscribe(List.of(settings.completedTopic()), new Rebalance());
        LOG.info(
                "consuming {}; archived events to {}, dead letters to {}",
                settings.completedTopic(),
                settings.archivedTopic(),
                settings.dlqTopic());
    }

    /** One turn of the loop: poll, hand new events to the archiver, commit what finished when it is time. */
    void pollOnce() {
        pauseOrResume();
        ConsumerRecords<byte[], byte[]> records =
                consumer.poll(inFlightCount == 0 ? settings.pollTimeout() : BUSY_POLL);
        health.up("kafka", consumer.assignment().size() + " partitions of " + settings.completedTopic() + " assigned");
        for (ConsumerRecord<byte[], byte[]> record : records) {
            submit(record);
        }
        if (System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos()) {
            commitFinished(inFlight.keySet());
        }
    }

    /** Stops the event threads and closes the clients; the last step of {@link #run()}. */
    void shutdown() {
        events.shutdownNow();
        closeQuietly();
        stopped.countDown();
    }

    private void submit(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        String job = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        CompletableFuture<Outcome> previous = job == null ? null : lastOfJob.get(job);
        CompletableFuture<Outcome> outcome = previous == null
                ? CompletableFuture.supplyAsync(() -> handle(record), events)
                : previous.handle((ignored, failure) -> null).thenApplyAsync(ignored -> handle(record), events);
        if (job != null) {
            lastOfJob.put(job, outcome);
            outcome.whenComplete((ignored, failure) -> lastOfJob.remove(job, outcome));
        }
        inFlight.computeIfAbsent(partition, key -> new ArrayDeque<>()).addLast(new Work(record, outcome));
        inFlightCount++;
    }

    /**
     * Fetches from a partition only while the window has room and the partition is not backing off. Finished
     * events waiting for their transaction do not take room (they download nothing), up to a cap that bounds
     * what a slow event at the head of a partition can hold back.
     */
    private void pauseOrResume() {
        long now = System.nanoTime();
        long running = inFlight.values().stream()
                .flatMap(Deque::stream)
                .filter(work -> !work.outcome().isDone())
                .count();
        boolean room = running < settings.maxEventsInFlight() && inFlightCount < 4L * settings.maxEventsInFlight();
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            Backoff backoff = backoffs.get(partition);
            boolean fetch = room && (backoff == null || now - backoff.resumeAtNanos() >= 0);
            if (fetch && paused.contains(partition)) {
                resume.add(partition);
            } else if (!fetch && !paused.contains(partition)) {
                pause.add(partition);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    private Outcome handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return new Outcome.DeadLetter(Stage.DECODE, "record has no value (a tombstone)");
        }
        HeadshotsCompleted event;
        try {
            event = completedDeserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (SchemaRegistryUnavailableException | SchemaRegistryAuthException e) {
            return new Outcome.Retry(Stage.DECODE, "Schema Registry: " + e.getMessage());
        } catch (SerializationException e) {
            return new Outcome.DeadLetter(Stage.DECODE, e.getClass().getName(), e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome.DeadLetter(Stage.DECODE, e.getClass().getName(), "cannot decode: " + e.getMessage());
        }
        try {
            return archiver.archive(event, new Manifest.Source(record.topic(), record.partition(), record.offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(Stage.DOWNLOAD, "interrupted");
        } catch (RuntimeException e) {
            LOG.error("unexpected failure archiving job {}; will retry", event.getHeadshotsId(), e);
            return new Outcome.Retry(Stage.ARCHIVE, "unexpected " + e.getClass().getSimpleName());
        }
    }

    /**
     * Writes, in one transaction, the output and offsets of the events finished at the head of {@code partitions};
     * rewinds a partition whose head failed transiently.
     */
    private void commitFinished(Collection<TopicPartition> partitions) {
        lastCommitNanos = System.nanoTime();
        List<ProducerRecord<byte[], byte[]>> output = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> firstTaken = new HashMap<>();
        Set<TopicPartition> rewound = new HashSet<>();
        for (TopicPartition partition : List.copyOf(partitions)) {
            Deque<Work> queue = inFlight.get(partition);
            while (queue != null
                    && !queue.isEmpty()
                    && queue.peekFirst().outcome().isDone()) {
                Work item = queue.peekFirst();
                Outcome outcome = outcomeOf(item);
                ConsumerRecord<byte[], byte[]> record = item.record();
                String job = record.key() == null ? "?" : new String(record.key(), StandardCharsets.UTF_8);
                if (outcome instanceof Outcome.Retry retry) {
                    metrics.retried(retry.stage());
                    if (retry.stage() == Stage.ARCHIVE) {
                        health.down("archive", retry.reason());
                    }
                    LOG.warn(
                            "job {} at {}@{} will be retried ({}): {}",
                            job,
                            partition,
                            record.offset(),
                            retry.stage().label(),
                            retry.reason());
                    rewind(partition, record.offset());
                    rewound.add(partition);
                    break;
                }
                try {
                    if (outcome instanceof Outcome.Archived archived) {
                        health.up("archive", archiveUri);
                        if (archived.emit()) {
                            String id = archived.event().getHeadshotsId();
                            output.add(new ProducerRecord<>(
                                    settings.archivedTopic(),
                                    id.getBytes(StandardCharsets.UTF_8),
                                    archivedSerializer.serialize(settings.archivedTopic(), archived.event())));
                            afterCommit.add(metrics::eventArchived);
                        } else {
                            afterCommit.add(metrics::eventRepeated);
                        }
                    } else if (outcome instanceof Outcome.DeadLetter dead) {
                        output.add(DeadLetterRecords.of(settings.dlqTopic(), record, dead, clock.instant()));
                        afterCommit.add(() -> {
                            metrics.deadLettered(dead.stage());
                            LOG.warn(
                                    "job {} at {}@{} dead-lettered to {} ({}): {}",
                                    job,
                                    partition,
                                    record.offset(),
                                    settings.dlqTopic(),
                                    dead.stage().label(),
                                    dead.reason());
                        });
                    }
                } catch (SchemaRegistryUnavailableException | SchemaRegistryAuthException e) {
                    LOG.warn(
                            "cannot serialize the archived event of job {} (Schema Registry: {}); retrying",
                            job,
                            e.getMessage());
                    metrics.retried(Stage.ARCHIVE);
                    rewind(partition, record.offset());
                    rewound.add(partition);
                    break;
                }
                queue.pollFirst();
                inFlightCount--;
                firstTaken.putIfAbsent(partition, record.offset());
                offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (!commitTransaction(output, offsets)) {
            // Nothing was committed: every partition goes back to its first event taken into this transaction.
            firstTaken.forEach(this::rewind);
            return;
        }
        afterCommit.forEach(Runnable::run);
        // Progress resets a partition's failure count, unless it failed again behind what was committed.
        offsets.keySet().stream()
                .filter(partition -> !rewound.contains(partition))
                .forEach(backoffs::remove);
    }

    /** Commits what finished before a graceful stop, so a restart does not redo it; best effort. */
    private void commitOnShutdown() {
        try {
            commitFinished(inFlight.keySet());
        } catch (RuntimeException e) {
            LOG.info("finished events not committed at shutdown ({}); they will be redone", e.toString());
        }
    }

    /** Seeks {@code partition} back to {@code offset}, drops its events in flight and pauses it for a backoff. */
    private void rewind(TopicPartition partition, long offset) {
        Deque<Work> dropped = inFlight.remove(partition);
        if (dropped != null) {
            inFlightCount -= dropped.size();
        }
        if (!consumer.assignment().contains(partition)) {
            return;
        }
        consumer.seek(partition, offset);
        Backoff previous = backoffs.get(partition);
        int failures = previous == null ? 1 : previous.failures() + 1;
        long base = settings.retryBackoff().toMillis();
        long delay = Math.min(settings.maxRetryBackoff().toMillis(), base << Math.min(failures - 1, 20));
        delay += ThreadLocalRandom.current().nextLong(delay / 4 + 1);
        backoffs.put(partition, new Backoff(failures, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay)));
        consumer.pause(List.of(partition));
        LOG.info("{} paused for {} ms (transient failure #{})", partition, delay, failures);
    }

    private Outcome outcomeOf(Work item) {
        try {
            return item.outcome().join();
        } catch (RuntimeException e) {
            return new Outcome.Retry(Stage.ARCHIVE, "unexpected " + e.getClass().getSimpleName());
        }
    }

    /** Writes {@code output} and commits {@code offsets} atomically; false when nothing was committed. */
    private boolean commitTransaction(
            List<ProducerRecord<byte[], byte[]>> output, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : output) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            // Another producer took our transactional id: this one can do nothing more. Replace it; the events are
            // redone.
            LOG.warn(
                    "transactional producer fenced ({}); replacing it and redoing the events",
                    e.getClass().getSimpleName());
            replaceProducer();
            return false;
        } catch (AuthenticationException | AuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            // Includes a commit refused because the group rebalanced: abort, and redo what is still ours.
            LOG.warn("transaction failed ({}); aborting it and redoing the events", e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                LOG.warn("abort failed ({}); replacing the producer", abortFailure.toString());
                replaceProducer();
            }
            return false;
        }
    }

    private Producer<byte[], byte[]> newProducer() {
        Producer<byte[], byte[]> created = producers.get();
        created.initTransactions();
        return created;
    }

    private void replaceProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("closing the fenced producer failed: {}", e.toString());
        }
        producer = newProducer();
    }

    /** Stops consuming, waits for the loop to finish (at most 30 s) and closes the Kafka clients. */
    @Override
    public void close() {
        if (running.compareAndSet(true, false) && consumer != null) {
            consumer.wakeup();
        }
        try {
            if (!stopped.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("consumer loop did not stop within {}", CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop has ended. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void closeQuietly() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the producer failed: {}", e.toString());
            }
        }
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer failed: {}", e.toString());
            }
        }
        health.down("kafka", "stopped");
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Still the owner here: commit what is finished so the new owner does not redo it.
            commitFinished(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("assigned {}", partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                Deque<Work> dropped = inFlight.remove(partition);
                if (dropped != null) {
                    inFlightCount -= dropped.size();
                }
                backoffs.remove(partition);
            }
            if (!partitions.isEmpty()) {
                LOG.info("revoked {}", partitions);
            }
        }
    }

    /** One record in flight and its outcome. */
    private record Work(ConsumerRecord<byte[], byte[]> record, CompletableFuture<Outcome> outcome) {}

    /** A partition's transient-failure count and when it may be fetched again. */
    private record Backoff(int failures, long resumeAtNanos) {}
}
