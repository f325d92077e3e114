package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop's ordering, transactions and retries, stepped by hand against Kafka's mock clients; backoffs
 * pass on a {@link ManualTime}, never in real time.
 */
class ArchiveLoopTest {

    private static final String INPUT = "headshots.completed";
    private static final String ARCHIVED = "headshots.archived";
    private static final String DLQ = "headshots.completed.dlq";
    private static final TopicPartition P0 = new TopicPartition(INPUT, 0);
    private static final TopicPartition P1 = new TopicPartition(INPUT, 1);
    /** The first retry backoff configured below (300 ms) plus the most jitter it gets (a quarter). */
    private static final Duration FIRST_BACKOFF_WITH_JITTER = Duration.ofMillis(375);

    private final String scope = "archive-loop-test-" + UUID.randomUUID();
    private final Map<String, Deque<Outcome>> scripted = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Health health = new Health();
    private final ManualTime time = new ManualTime();
    private ReplayingConsumer consumer;
    private MockProducer<byte[], byte[]> producer;
    private Serde<HeadshotsCompleted> completed;
    private Serde<HeadshotsArchived> archived;
    private ArchiveLoop loop;
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.exportingTo("sink-test", spans);

    @BeforeEach
    void create() {
        Map<String, Object> serde = Map.of("schema.registry.url", "mock://" + scope);
        completed = AvroSerdes.specific(HeadshotsCompleted.class, serde, false);
        archived = AvroSerdes.specific(HeadshotsArchived.class, serde, false);
        consumer = new ReplayingConsumer();
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Archiver archiver = (event, source) -> {
            Deque<Outcome> outcomes = scripted.get(event.getHeadshotsId());
            Outcome next = outcomes == null ? null : outcomes.pollFirst();
            return next != null ? next : new Outcome.Archived(archivedEvent(event.getHeadshotsId()), true);
        };
        loop = new ArchiveLoop(
                new ArchiveLoop.Settings(
                        INPUT,
                        ARCHIVED,
                        DLQ,
                        Duration.ofMillis(1),
                        Duration.ZERO,
                        Duration.ofMillis(300),
                        Duration.ofMillis(600),
                        8),
                () -> consumer,
                () -> producer,
                completed.deserializer(),
                archived.serializer(),
                archiver,
                "file:///archive",
                new SinkMetrics(registry),
                health,
                Clock.systemUTC(),
                time,
                tracing);
        loop.open();
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.rebalance(List.of(P0, P1));
    }

    @AfterEach
    void close() {
        loop.shutdown();
        tracing.close();
        MockSchemaRegistry.dropScope(scope);
    }

    private void add(TopicPartition partition, long offset, String id) {
        byte[] value = completed.serializer().serialize(INPUT, completion(id));
        addRaw(partition, offset, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private void addRaw(TopicPartition partition, long offset, byte[] key, byte[] value) {
        addRaw(partition, offset, key, value, new RecordHeaders());
    }

    private void addRaw(TopicPartition partition, long offset, byte[] key, byte[] value, RecordHeaders headers) {
        consumer.addRecord(new ConsumerRecord<>(
                partition.topic(),
                partition.partition(),
                offset,
                0L,
                TimestampType.CREATE_TIME,
                key.length,
                value.length,
                key,
                value,
                headers,
                Optional.empty()));
    }

    /** A completion whose record carries the trace context the bridge wrote, in offset order. */
    private void addTraced(TopicPartition partition, long offset, String id, String traceId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        addRaw(
                partition,
                offset,
                id.getBytes(StandardCharsets.UTF_8),
                completed.serializer().serialize(INPUT, completion(id)),
                headers);
    }

    private void stepUntil(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    loop.pollOnce();
                    return condition.getAsBoolean();
                });
    }

    /** Turns the loop a few times without moving time: what is backing off stays where it is. */
    private void stepWithoutTime() {
        for (int i = 0; i < 20; i++) {
            loop.pollOnce();
        }
    }

    private long committed(TopicPartition partition) {
        return producer.consumerGroupOffsetsHistory().stream()
                .flatMap(byGroup -> byGroup.values().stream())
                .map(offsets -> offsets.get(partition))
                .filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset)
                .max()
                .orElse(0);
    }

    private List<String> sentTo(String topic) {
        return producer.history().stream()
                .filter(r -> r.topic().equals(topic))
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private void script(String id, Outcome... outcomes) {
        scripted.put(id, new ArrayDeque<>(List.of(outcomes)));
    }

    @Test
    void shouldWriteEachArchivedEventAndItsOffsetInTheSameTransaction() {
        add(P0, 0, "job-a");
        add(P0, 1, "job-b");
        add(P1, 0, "job-c");

        stepUntil("three events committed", () -> committed(P0) == 2 && committed(P1) == 1);

        assertThat(sentTo(ARCHIVED)).containsExactlyInAnyOrder("job-a", "job-b", "job-c");
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(archived.deserializer()
                        .deserialize(ARCHIVED, producer.history().get(0).value())
                        .getArchiveUri())
                .isEqualTo("file:///archive/x");
        assertThat(registry.get("sink.events.archived").counter().count()).isEqualTo(3);
    }

    @Test
    void shouldWriteTheArchivedEventAndTheDeadLetterUnderTheirCompletionsTrace() {
        script("job-b", new Outcome.DeadLetter(Stage.EXPIRED, "job-b lost 60 of 60 images"));
        String traceA = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceB = "5bf92f3577b34da6a3ce929d0e0e4736";
        addTraced(P0, 0, "job-a", traceA);
        addTraced(P0, 1, "job-b", traceB);
        add(P1, 0, "job-c");

        stepUntil("three committed", () -> committed(P0) == 2 && committed(P1) == 1);

        Map<String, SpanContext> written = new java.util.HashMap<>();
        producer.history()
                .forEach(r ->
                        written.put(new String(r.key(), StandardCharsets.UTF_8), Tracing.spanContext(r.headers())));
        SpanData archive = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceA))
                .findFirst()
                .orElseThrow();
        assertThat(archive.getName()).isEqualTo("archive");
        assertThat(archive.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(written.get("job-a").getSpanId()).isEqualTo(archive.getSpanId());
        assertThat(written.get("job-b").getTraceId()).as("the dead letter").isEqualTo(traceB);
        assertThat(written.get("job-c").isValid())
                .as("a completion without a trace gets a new one")
                .isTrue();
        assertThat(written.get("job-c").getTraceId()).isNotIn(traceA, traceB);
    }

    @Test
    void shouldHoldAPartitionAtATransientFailureAndEmitEveryEventOnceInOrderAfterTheRetry() {
        script("job-b", new Outcome.Retry(Stage.DOWNLOAD, "HTTP 503"));
        add(P0, 0, "job-a");
        add(P0, 1, "job-b");
        add(P0, 2, "job-c");

        stepUntil(
                "job-a committed and job-b held",
                () -> committed(P0) == 1 && registry.find("sink.retries").counter() != null);
        assertThat(sentTo(ARCHIVED)).containsExactly("job-a");
        time.advance(Duration.ofMillis(299));
        stepWithoutTime();
        assertThat(committed(P0))
                .as("held for the whole first backoff (300 ms)")
                .isEqualTo(1);

        time.advance(FIRST_BACKOFF_WITH_JITTER.minusMillis(299));
        stepUntil("the partition retried after its backoff", () -> committed(P0) == 3);

        assertThat(sentTo(ARCHIVED)).containsExactly("job-a", "job-b", "job-c");
    }

    @Test
    void shouldDeadLetterWithTheOriginalBytesAndNotEmitForARepeatedCompletion() {
        script("job-a", new Outcome.DeadLetter(Stage.EXPIRED, "job-a lost 60 of 60 images"));
        script("job-b", new Outcome.Archived(archivedEvent("job-b"), false));
        add(P0, 0, "job-a");
        add(P0, 1, "job-b");
        addRaw(P0, 2, "junk".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});

        stepUntil("all three committed", () -> committed(P0) == 3);

        assertThat(sentTo(ARCHIVED)).isEmpty();
        assertThat(sentTo(DLQ)).containsExactly("job-a", "junk");
        ProducerRecord<byte[], byte[]> junk = producer.history().get(1);
        assertThat(junk.value()).containsExactly(1, 2, 3);
        assertThat(new String(junk.headers().lastHeader(DeadLetterHeaders.STAGE).value(), StandardCharsets.UTF_8))
                .isEqualTo("decode");
        assertThat(registry.get("sink.events.repeated").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldRedoTheEventsOfAFailedTransactionAndEmitThemOnce() {
        producer.commitTransactionException = new KafkaException("coordinator moved");
        add(P0, 0, "job-a");

        stepUntil("the failed transaction aborted", producer::transactionAborted);
        producer.commitTransactionException = null;
        stepWithoutTime();
        assertThat(committed(P0)).as("rewound and backing off").isZero();
        time.advance(FIRST_BACKOFF_WITH_JITTER);
        stepUntil("job-a committed after the retry", () -> committed(P0) == 1);

        assertThat(sentTo(ARCHIVED)).containsExactly("job-a");
    }

    @Test
    void shouldStartNewEventsWhileFinishedOnesWaitForTheHeadOfTheirPartition() {
        script("job-a", new Outcome.Retry(Stage.ARCHIVE, "disk full"));
        add(P0, 0, "job-a");
        add(P1, 0, "job-b");

        stepUntil(
                "P1 committed while P0 waits",
                () -> committed(P1) == 1 && registry.find("sink.retries").counter() != null);

        assertThat(sentTo(ARCHIVED)).as("P1 is not held up by P0's retry").containsExactly("job-b");
        time.advance(FIRST_BACKOFF_WITH_JITTER);
        stepUntil("P0 committed after its retry", () -> committed(P0) == 1);
        assertThat(sentTo(ARCHIVED)).containsExactlyInAnyOrder("job-a", "job-b");
    }

    /**
     * Kafka's MockConsumer hands each record out once; a real consumer fetches again after a seek. This one keeps
     * what was added and re-adds it from the offset sought, so a rewind behaves as it does against a broker.
     */
    private static final class ReplayingConsumer extends MockConsumer<byte[], byte[]> {
        private final List<ConsumerRecord<byte[], byte[]>> added = new java.util.concurrent.CopyOnWriteArrayList<>();

        ReplayingConsumer() {
            super(AutoOffsetResetStrategy.EARLIEST.name());
        }

        @Override
        public synchronized void addRecord(ConsumerRecord<byte[], byte[]> record) {
            added.add(record);
            super.addRecord(record);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            for (ConsumerRecord<byte[], byte[]> record : added) {
                if (record.topic().equals(partition.topic())
                        && record.partition() == partition.partition()
                        && record.offset() >= offset) {
                    super.addRecord(record);
                }
            }
        }
    }

    private static HeadshotsCompleted completion(String id) {
        return HeadshotsCompleted.newBuilder()
                .setHeadshotsId(id)
                .setJobRef("ref-" + id)
                .setImageUrls(List.of("https://cdn.runflow.io/" + id + "/001.jpg"))
                .setDeliveryId("d-" + id)
                .setReceivedAt(Instant.EPOCH)
                .setExpiresAt(Instant.EPOCH.plus(Duration.ofDays(1)))
                .build();
    }

    private static HeadshotsArchived archivedEvent(String id) {
        return HeadshotsArchived.newBuilder()
                .setHeadshotsId(id)
                .setJobRef("ref-" + id)
                .setArchiveUri("file:///archive/x")
                .setManifestKey("headshots/" + id + "/manifest.json")
                .setObjects(List.of())
                .setTotalBytes(0)
                .setArchivedAt(Instant.EPOCH)
                .setExpiresAt(Instant.EPOCH)
                .build();
    }
}
