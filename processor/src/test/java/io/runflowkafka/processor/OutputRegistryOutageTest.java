package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.gate.GateSettings;
import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.processor.gate.QualityGateTopology;
import io.runflowkafka.processor.orders.HeadshotOrdersTopology;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.OrderMetrics;
import io.runflowkafka.processor.orders.OrderSettings;
import io.runflowkafka.processor.orders.OrderTopics;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerde;
import io.runflowkafka.serde.IncompatibleSchemaException;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.RegisteredSchema;
import io.runflowkafka.serde.SchemaRegistryClient;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A schema registry that fails at the moment an output record is written (its id not yet cached): an outage
 * holds the answer until the registry is back, a refused schema stops the application; neither dead-letters
 * an upload, loses a pending call or writes an output twice. Run under the application's own streams
 * properties (processing and production exception handlers, dead-letter topic).
 */
class OutputRegistryOutageTest {

    private static final String SCOPE = "output-registry-outage-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    private final FlakyRegistry registry = new FlakyRegistry(MockSchemaRegistry.getClientForScope(SCOPE));
    private final Serde<UploadEvent> uploadSerde = serde(UploadEvent.class);
    private final Serde<ScoredUpload> scoredSerde = serde(ScoredUpload.class);
    private final Serde<HeadshotJob> jobSerde = serde(HeadshotJob.class);
    private final ProcessorConfig config = ProcessorConfig.load(
            Optional.empty(),
            Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    "unused:9092",
                    "PROCESSOR_STATE_DIR",
                    Path.of("target", "topology-test-state", UUID.randomUUID().toString())
                            .toAbsolutePath()
                            .toString()));
    private final GateTopics gateTopics = config.gateTopics();
    private final OrderTopics orderTopics = config.orderTopics();
    private final Map<String, CompletableFuture<ScoreResult>> held = new ConcurrentHashMap<>();
    private final List<String> submitted = new CopyOnWriteArrayList<>();
    private CallLimiter limiter;
    private TopologyTestDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (limiter != null) {
            limiter.close();
        }
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldHoldAnAnswerForwardedAtTheEndOfProcessUntilTheRegistryIsBack() {
        startGate(upload -> score(0.9), ProcessorConfig.defaults().gateSettings());
        registry.block("photos.accepted-value", "photos.retake-value");

        pipeUploads("u1", "u2", "u3");
        assertThat(deadLetters())
                .as("dead letters while the registry was unreachable")
                .isEmpty();
        assertThat(pending())
                .as("pending calls kept while their output cannot be written")
                .isEqualTo(3);

        registry.unblock();
        advanceUntilNothingPending();

        assertThat(accepted()).extracting(r -> r.value().getUploadId()).containsExactly("u1", "u2", "u3");
        assertThat(deadLetters()).isEmpty();
        assertThat(pending()).isZero();
    }

    @Test
    void shouldNeitherLoseNorDeadLetterWhenAnAnswerIsDrainedWhileWaitingForRoom() {
        GateSettings one =
                new GateSettings(0.6, true, new CallSettings(1, Duration.ofMillis(10), CallSettings.holdingRetries()));
        startGate(upload -> held.computeIfAbsent(upload.getUploadId(), id -> new CompletableFuture<>()), one);
        pipeUploads("x");
        registry.block("photos.accepted-value", "photos.retake-value");
        held.get("x").complete(new ScoreResult(0.9, 70, 80, List.of()));

        pipeUploads("y"); // waits for room, and drains x's answer while the registry is down
        held.computeIfAbsent("y", id -> new CompletableFuture<>()).complete(new ScoreResult(0.3, 70, 80, List.of()));
        assertThat(deadLetters()).as("dead letters of an innocent upload").isEmpty();

        registry.unblock();
        advanceUntilNothingPending();

        assertThat(accepted()).extracting(r -> r.value().getUploadId()).containsExactly("x");
        assertThat(retake()).extracting(r -> r.value().getUploadId()).containsExactly("y");
        assertThat(deadLetters()).isEmpty();
        assertThat(pending()).isZero();
    }

    @Test
    void shouldHoldAnAnswerDrainedByThePunctuatorUntilTheRegistryIsBack() {
        startGate(
                upload -> held.computeIfAbsent(upload.getUploadId(), id -> new CompletableFuture<>()),
                ProcessorConfig.defaults().gateSettings());
        pipeUploads("p1");
        registry.block("photos.accepted-value", "photos.retake-value");
        held.get("p1").complete(new ScoreResult(0.9, 70, 80, List.of()));

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(deadLetters()).as("dead letters written by the punctuator").isEmpty();

        registry.unblock();
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(accepted()).extracting(r -> r.value().getUploadId()).containsExactly("p1");
        assertThat(pending()).isZero();
    }

    @Test
    void shouldStopWithoutDeadLetteringWhenTheRegistryRefusesTheOutputSchema() {
        startGate(upload -> score(0.9), ProcessorConfig.defaults().gateSettings());
        registry.refuse("photos.accepted-value");

        pipeUploads("r1");

        assertThat(deadLetters()).as("dead letters for a refused output schema").isEmpty();
        assertThat(limiter.haltReason())
                .as("why the processor stopped")
                .hasValueSatisfying(reason -> assertThat(reason).contains("photos.accepted-value"));
        assertThat(accepted()).isEmpty();
        assertThat(pending()).as("the upload is kept for the next start").isEqualTo(1);
    }

    @Test
    void shouldKeepTheHeadshotJobOfASubmissionAnsweredWhileTheRegistryIsDown() {
        startOrders();
        registry.block("headshots.jobs-value");

        TestInputTopic<String, ScoredUpload> accepted =
                driver.createInputTopic(orderTopics.accepted(), new StringSerializer(), scoredSerde.serializer());
        for (int n = 1; n <= 4; n++) {
            accepted.pipeInput("order-1", photo("order-1", n));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(submitted).as("the job was sent to Runflow").hasSize(1);

        registry.unblock();
        driver.advanceWallClockTime(Duration.ofSeconds(30));

        List<TestRecord<String, HeadshotJob>> jobs = driver.createOutputTopic(
                        orderTopics.jobs(), new StringDeserializer(), jobSerde.deserializer())
                .readRecordsToList();
        assertThat(jobs)
                .as("the HeadshotJob of the job Runflow holds")
                .singleElement()
                .satisfies(job -> assertThat(job.value().getHeadshotsId()).isEqualTo(submitted.get(0)));
        assertThat(submitted).as("Runflow calls").hasSize(1);
        assertThat(driver.createOutputTopic(
                                orderTopics.jobsDeadLetter(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList())
                .isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    private void startGate(Function<UploadEvent, CompletableFuture<ScoreResult>> scorer, GateSettings settings) {
        limiter = new CallLimiter(64, 0);
        Topology topology = ProcessorTopology.build(
                new ProcessorTopology.Gate(
                        gateTopics,
                        settings,
                        scorer::apply,
                        limiter,
                        new GateMetrics(new SimpleMeterRegistry(), limiter),
                        uploadSerde,
                        scoredSerde),
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        driver = new TopologyTestDriver(topology, streamsProperties(), START);
    }

    private void startOrders() {
        limiter = new CallLimiter(64, 0);
        InFlightSubmissions inFlight = new InFlightSubmissions();
        RetryPolicy fast = RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(5))
                .maxAttempts(Integer.MAX_VALUE)
                .maxTotalTime(Duration.ofMinutes(1))
                .build();
        OrderSettings settings = new OrderSettings(
                4,
                1,
                Duration.ofMinutes(15),
                "https://hooks.example.com",
                new CallSettings(64, Duration.ofMillis(10), fast));
        StreamsBuilder builder = HeadshotOrdersTopology.addTo(
                new StreamsBuilder(),
                orderTopics,
                settings,
                (callbackUrl, images) -> {
                    String headshotsId = UUID.randomUUID().toString();
                    submitted.add(headshotsId);
                    return CompletableFuture.completedFuture(new HeadshotsSubmission(headshotsId));
                },
                CallbackTokens.of("output-outage-test-callback-secret-0123"),
                limiter,
                new OrderMetrics(new SimpleMeterRegistry(), inFlight),
                inFlight,
                scoredSerde,
                jobSerde,
                (partition, since) -> true,
                gateTopics.deadLetter(),
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        driver = new TopologyTestDriver(builder.build(), streamsProperties(), START);
    }

    /** The application's own streams properties: its exception handlers included. */
    private Properties streamsProperties() {
        return StreamsProperties.of(config);
    }

    /** Lets the punctuator run, a second of wall-clock time at a time, until every pending call is answered. */
    private void advanceUntilNothingPending() {
        for (int i = 0; i < 60 && pending() > 0; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    private void pipeUploads(String... ids) {
        TestInputTopic<String, UploadEvent> uploads =
                driver.createInputTopic(gateTopics.uploaded(), new StringSerializer(), uploadSerde.serializer());
        for (String id : ids) {
            uploads.pipeInput(
                    "order-1",
                    UploadEvent.newBuilder()
                            .setUploadId(id)
                            .setOrderId("order-1")
                            .setUserId("user-1")
                            .setImageUri("https://img.example/" + id + ".jpg")
                            .setUploadedAt(START)
                            .setAttributes(Map.of())
                            .build());
        }
    }

    private final List<TestRecord<String, ScoredUpload>> acceptedSoFar = new ArrayList<>();

    private List<TestRecord<String, ScoredUpload>> accepted() {
        acceptedSoFar.addAll(
                driver.createOutputTopic(gateTopics.accepted(), new StringDeserializer(), scoredSerde.deserializer())
                        .readRecordsToList());
        return acceptedSoFar;
    }

    private List<TestRecord<String, ScoredUpload>> retake() {
        return driver.createOutputTopic(gateTopics.retake(), new StringDeserializer(), scoredSerde.deserializer())
                .readRecordsToList();
    }

    private final List<TestRecord<String, byte[]>> deadSoFar = new ArrayList<>();

    /** Each dead letter so far, as "key: exception class". */
    private List<String> deadLetters() {
        deadSoFar.addAll(
                driver.createOutputTopic(gateTopics.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList());
        return deadSoFar.stream()
                .map(r -> r.key() + ": " + DeadLetters.text(r.headers(), DeadLetterHeaders.EXCEPTION))
                .toList();
    }

    private long pending() {
        KeyValueStore<String, ?> store = driver.getKeyValueStore(QualityGateTopology.STORE);
        return store.approximateNumEntries();
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Serde<T> serde(Class<T> type) {
        AvroSerde<T> serde = new AvroSerde<>(type, registry);
        serde.configure(REGISTRY, false);
        return serde;
    }

    private static CompletableFuture<ScoreResult> score(double quality) {
        return CompletableFuture.completedFuture(new ScoreResult(quality, 70, 80, List.of()));
    }

    private static ScoredUpload photo(String order, int n) {
        return ScoredUpload.newBuilder()
                .setUploadId(order + "-u" + n)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri("https://img.example/" + order + "/" + n + ".jpg")
                .setDecision(Decision.ACCEPTED)
                .setQualityScore(0.9)
                .setBrightness(60)
                .setSharpness(70)
                .setThreshold(0.6)
                .setUploadedAt(START)
                .setScoredAt(START)
                .setAttributes(Map.of())
                .build();
    }

    /** The in-memory registry, with subjects that can be made unreachable (an outage) or refused (a bad schema). */
    private static final class FlakyRegistry implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        private volatile Set<String> blocked = Set.of();
        private volatile Set<String> refused = Set.of();

        FlakyRegistry(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        void block(String... subjects) {
            blocked = Set.of(subjects);
        }

        void refuse(String... subjects) {
            refused = Set.of(subjects);
        }

        void unblock() {
            blocked = Set.of();
        }

        private void check(String subject) {
            if (blocked.contains(subject)) {
                throw new SchemaRegistryUnavailableException(
                        "Schema Registry unavailable: could not register under " + subject
                                + "; tried http://registry.test (HTTP 503)",
                        null);
            }
            if (refused.contains(subject)) {
                throw new IncompatibleSchemaException(
                        "Schema being registered is incompatible with an earlier schema" + " for subject '" + subject
                                + "'",
                        409);
            }
        }

        @Override
        public int register(String subject, Schema schema) {
            check(subject);
            return delegate.register(subject, schema);
        }

        @Override
        public int getId(String subject, Schema schema) {
            check(subject);
            return delegate.getId(subject, schema);
        }

        @Override
        public Schema getSchemaById(int id) {
            return delegate.getSchemaById(id);
        }

        @Override
        public RegisteredSchema getLatestVersion(String subject) {
            check(subject);
            return delegate.getLatestVersion(subject);
        }
    }
}
