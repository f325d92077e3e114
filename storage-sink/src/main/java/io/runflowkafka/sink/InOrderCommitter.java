package io.runflowkafka.sink;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.serde.SchemaRegistryAuthException;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits finished events in input order per partition: the events finished at the head of each partition go,
 * in one transaction, as their output (HeadshotsArchived or dead letter) together with their input offsets. A
 * partition whose head failed transiently stops there: it is rewound to that event, the events behind it are
 * dropped, and it is paused for its backoff. When the transaction fails, every partition goes back to the first
 * event taken into it. Touched only by the loop thread.
 *
 * <p>Each output record is written under a span ({@code archive} or {@code dead-letter}) that is a child of its
 * completion's trace context (its {@code traceparent} header, from the bridge), so the archived event stays in the
 * trace of the photo the job began with. A transaction that fails is redone, and its spans recorded again.
 */
final class InOrderCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(InOrderCommitter.class);

    private final ArchiveLoop.Settings settings;
    private final Consumer<byte[], byte[]> consumer;
    private final InFlightWindow window;
    private final PartitionBackoffs backoffs;
    private final TransactionalProducer producer;
    private final Serializer<HeadshotsArchived> archivedSerializer;
    private final String archiveUri;
    private final SinkMetrics metrics;
    private final Health health;
    private final Clock clock;
    private final TimeSource time;
    private final Tracing tracing;
    private long lastCommitNanos;

    InOrderCommitter(
            ArchiveLoop.Settings settings,
            Consumer<byte[], byte[]> consumer,
            InFlightWindow window,
            PartitionBackoffs backoffs,
            TransactionalProducer producer,
            Serializer<HeadshotsArchived> archivedSerializer,
            String archiveUri,
            SinkMetrics metrics,
            Health health,
            Clock clock,
            TimeSource time,
            Tracing tracing) {
        this.tracing = tracing;
        this.settings = settings;
        this.consumer = consumer;
        this.window = window;
        this.backoffs = backoffs;
        this.producer = producer;
        this.archivedSerializer = archivedSerializer;
        this.archiveUri = archiveUri;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        this.time = time;
        this.lastCommitNanos = time.nanoTime();
    }

    /** Commits what finished in every partition, if the commit interval has passed since the last commit. */
    void commitIfDue() {
        if (time.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos()) {
            commitFinished(window.partitions());
        }
    }

    /**
     * Writes, in one transaction, the output and offsets of the events finished at the head of {@code partitions};
     * rewinds a partition whose head failed transiently.
     */
    void commitFinished(Collection<TopicPartition> partitions) {
        lastCommitNanos = time.nanoTime();
        List<ProducerRecord<byte[], byte[]>> output = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> firstTaken = new HashMap<>();
        Set<TopicPartition> rewound = new HashSet<>();
        for (TopicPartition partition : List.copyOf(partitions)) {
            for (InFlightWindow.Work item = window.finishedHead(partition);
                    item != null;
                    item = window.finishedHead(partition)) {
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
                    addOutput(outcome, record, partition, job, output, afterCommit);
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
                window.removeHead(partition);
                firstTaken.putIfAbsent(partition, record.offset());
                offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (!producer.commit(output, offsets, consumer::groupMetadata)) {
            // Nothing was committed: every partition goes back to its first event taken into this transaction.
            firstTaken.forEach(this::rewind);
            return;
        }
        afterCommit.forEach(Runnable::run);
        // Progress resets a partition's failure count, unless it failed again behind what was committed.
        offsets.keySet().stream()
                .filter(partition -> !rewound.contains(partition))
                .forEach(backoffs::reset);
    }

    /** Adds the record a finished event writes, and what to count and log once it is committed. */
    private void addOutput(
            Outcome outcome,
            ConsumerRecord<byte[], byte[]> record,
            TopicPartition partition,
            String job,
            List<ProducerRecord<byte[], byte[]>> output,
            List<Runnable> afterCommit) {
        if (outcome instanceof Outcome.Archived archived) {
            health.up("archive", archiveUri);
            if (archived.emit()) {
                String id = archived.event().getHeadshotsId();
                byte[] value = archivedSerializer.serialize(settings.archivedTopic(), archived.event());
                ProducerRecord<byte[], byte[]> out =
                        new ProducerRecord<>(settings.archivedTopic(), id.getBytes(StandardCharsets.UTF_8), value);
                Tracing.inject(span("archive", record, id, archived.event().getJobRef()), out.headers());
                output.add(out);
                afterCommit.add(metrics::eventArchived);
            } else {
                afterCommit.add(metrics::eventRepeated);
            }
        } else if (outcome instanceof Outcome.DeadLetter dead) {
            ProducerRecord<byte[], byte[]> out =
                    DeadLetterRecords.of(settings.dlqTopic(), record, dead, clock.instant());
            Tracing.inject(span("dead-letter", record, job, ""), out.headers());
            output.add(out);
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
    }

    /** Records the span of one output, a child of the completion's trace context. */
    private SpanContext span(String outcome, ConsumerRecord<byte[], byte[]> record, String headshotsId, String jobRef) {
        return tracing.step(
                outcome,
                SpanKind.CONSUMER,
                Tracing.spanContext(record.headers()),
                0L,
                () -> Attributes.of(
                        Tracing.HEADSHOTS_ID,
                        headshotsId,
                        Tracing.JOB_REF,
                        jobRef == null ? "" : jobRef,
                        Tracing.OUTCOME,
                        outcome));
    }

    /** Seeks {@code partition} back to {@code offset}, drops its events in flight and pauses it for a backoff. */
    private void rewind(TopicPartition partition, long offset) {
        window.drop(partition);
        if (!consumer.assignment().contains(partition)) {
            return;
        }
        consumer.seek(partition, offset);
        PartitionBackoffs.Pause pause = backoffs.failed(partition);
        consumer.pause(List.of(partition));
        LOG.info("{} paused for {} ms (transient failure #{})", partition, pause.millis(), pause.failures());
    }

    private static Outcome outcomeOf(InFlightWindow.Work item) {
        try {
            return item.outcome().join();
        } catch (RuntimeException e) {
            return new Outcome.Retry(Stage.ARCHIVE, "unexpected " + e.getClass().getSimpleName());
        }
    }
}
