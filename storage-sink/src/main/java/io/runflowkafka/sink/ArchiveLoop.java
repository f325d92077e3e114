package io.runflowkafka.sink;

import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
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
 *
 * <p>The stages live in their own classes: {@link RecordDecoder} (decoding), {@link JobSequencer} (per-job
 * ordering), {@link InFlightWindow} (flow control), {@link InOrderCommitter} with {@link TransactionalProducer}
 * (transactions), {@link PartitionBackoffs} (backoff) and {@link RebalanceHandler} (rebalances); this class
 * owns the consumer and runs the loop.
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
    private final Serializer<HeadshotsArchived> archivedSerializer;
    private final String archiveUri;
    private final SinkMetrics metrics;
    private final Health health;
    private final Clock clock;
    private final TimeSource time;
    private final Tracing tracing;
    private final RecordDecoder decoder;
    private final JobSequencer sequencer;
    private final TransactionalProducer producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);

    // Touched only by the loop thread (rebalance callbacks run inside poll, on that thread).
    private final InFlightWindow window;
    private final PartitionBackoffs backoffs;
    private Consumer<byte[], byte[]> consumer;
    private InOrderCommitter committer;

    /**
     * A loop; {@link #run()} starts consuming. Its backoffs and commit interval are measured on {@code time}, its spans
     * made by {@code tracing}: each archived event is written under a span that is a child of its completion's trace
     * context.
     *
     * @param consumers makes the consumer (byte[] key and value, read_committed, no auto-commit)
     * @param producers makes a transactional producer; called again to replace a fenced one
     */
    ArchiveLoop(
            Settings settings,
            Supplier<Consumer<byte[], byte[]>> consumers,
            Supplier<Producer<byte[], byte[]>> producers,
            Deserializer<HeadshotsCompleted> completedDeserializer,
            Serializer<HeadshotsArchived> archivedSerializer,
            Archiver archiver,
            String archiveUri,
            SinkMetrics metrics,
            Health health,
            Clock clock,
            TimeSource time,
            Tracing tracing) {
        this.tracing = tracing;
        this.settings = settings;
        this.consumers = consumers;
        this.archivedSerializer = archivedSerializer;
        this.archiveUri = archiveUri;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        this.time = time;
        this.decoder = new RecordDecoder(completedDeserializer, archiver);
        // Events dropped after a rewind may still be finishing, so the pool is larger than the window.
        this.sequencer = new JobSequencer(2 * settings.maxEventsInFlight());
        this.producer = new TransactionalProducer(producers);
        this.window = new InFlightWindow(settings.maxEventsInFlight());
        this.backoffs = new PartitionBackoffs(settings.retryBackoff(), settings.maxRetryBackoff(), time);
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
        producer.open();
        committer = new InOrderCommitter(
                settings,
                consumer,
                window,
                backoffs,
                producer,
                archivedSerializer,
                archiveUri,
                metrics,
                health,
                clock,
                time,
                tracing);
        consumer.subscribe(List.of(settings.completedTopic()), new RebalanceHandler(committer, window, backoffs));
        LOG.info(
                "consuming {}; archived events to {}, dead letters to {}",
                settings.completedTopic(),
                settings.archivedTopic(),
                settings.dlqTopic());
    }

    /** One turn of the loop: poll, hand new events to the archiver, commit what finished when it is time. */
    void pollOnce() {
        window.pauseOrResume(consumer, backoffs, time.nanoTime());
        ConsumerRecords<byte[], byte[]> records = consumer.poll(window.isEmpty() ? settings.pollTimeout() : BUSY_POLL);
        health.up("kafka", consumer.assignment().size() + " partitions of " + settings.completedTopic() + " assigned");
        for (ConsumerRecord<byte[], byte[]> record : records) {
            submit(record);
        }
        committer.commitIfDue();
    }

    /** Stops the event threads and closes the clients; the last step of {@link #run()}. */
    void shutdown() {
        sequencer.close();
        closeQuietly();
        stopped.countDown();
    }

    private void submit(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        String job = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        CompletableFuture<Outcome> outcome = sequencer.submit(job, () -> decoder.handle(record));
        window.add(partition, record, outcome);
    }

    /** Commits what finished before a graceful stop, so a restart does not redo it; best effort. */
    private void commitOnShutdown() {
        try {
            committer.commitFinished(window.partitions());
        } catch (RuntimeException e) {
            LOG.info("finished events not committed at shutdown ({}); they will be redone", e.toString());
        }
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
        producer.close();
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer failed: {}", e.toString());
            }
        }
        Health.Component kafka = health.components().get("kafka");
        if (kafka == null || !kafka.fatal()) {
            // A fatal error keeps its reason, and /health/live stays DOWN, after the clients are closed.
            health.down("kafka", "stopped");
        }
    }
}
