package io.runflowkafka.processor.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.client.InvalidRequestException;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.client.ServerErrorException;
import io.runflowkafka.client.UnauthorizedException;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.processor.ProcessorTopology;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QualityGateTopologyTest {

    private static final String SCOPE = "quality-gate-topology-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final GateTopics TOPICS = ProcessorConfig.defaults().gateTopics();

    private final Serde<UploadEvent> uploadSerde = AvroSerdes.specific(UploadEvent.class, REGISTRY, false);
    private final Serde<ScoredUpload> scoredSerde = AvroSerdes.specific(ScoredUpload.class, REGISTRY, false);
    private final List<String> scoredUris = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<ScoreResult>> held = new ConcurrentHashMap<>();
    private CallLimiter limiter;
    private TopologyTestDriver driver;
    private TestInputTopic<String, UploadEvent> uploads;
    private TestInputTopic<String, byte[]> rawUploads;
    private TestOutputTopic<String, ScoredUpload> accepted;
    private TestOutputTopic<String, ScoredUpload> retake;
    private TestOutputTopic<String, byte[]> deadLetters;

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

    private void start(Function<UploadEvent, CompletableFuture<ScoreResult>> scoring) {
        start(scoring, ProcessorConfig.defaults().gateSettings());
    }

    private void start(Function<UploadEvent, CompletableFuture<ScoreResult>> scoring, GateSettings settings) {
        limiter = new CallLimiter(64, 0);
        Scorer scorer = upload -> {
            scoredUris.add(upload.getImageUri());
            return scoring.apply(upload);
        };
        Topology topology = ProcessorTopology.build(
                new ProcessorTopology.Gate(
                        TOPICS,
                        settings,
                        scorer,
                        limiter,
                        new GateMetrics(new SimpleMeterRegistry(), limiter),
                        uploadSerde,
                        scoredSerde),
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        uploads = driver.createInputTopic(TOPICS.uploaded(), new StringSerializer(), uploadSerde.serializer());
        rawUploads = driver.createInputTopic(TOPICS.uploaded(), new StringSerializer(), new ByteArraySerializer());
        accepted = driver.createOutputTopic(TOPICS.accepted(), new StringDeserializer(), scoredSerde.deserializer());
        retake = driver.createOutputTopic(TOPICS.retake(), new StringDeserializer(), scoredSerde.deserializer());
        deadLetters =
                driver.createOutputTopic(TOPICS.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static UploadEvent upload(String id, String order, String uri) {
        return UploadEvent.newBuilder()
                .setUploadId(id)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri(uri)
                .setUploadedAt(Instant.parse("2026-11-21T10:00:00Z"))
                .setAttributes(Map.of("channel", "ios"))
                .build();
    }

    private static CompletableFuture<ScoreResult> score(double quality, String... tips) {
        return CompletableFuture.completedFuture(new ScoreResult(quality, 70, 80, List.of(tips)));
    }

    @Test
    void shouldAcceptAScoreAtOrAboveTheThreshold() {
        start(u -> score(u.getImageUri().endsWith("at.jpg") ? 0.6 : 0.95));

        uploads.pipeInput("order-1", upload("u1", "order-1", "https://img.example/at.jpg"));
        uploads.pipeInput("order-2", upload("u2", "order-2", "https://img.example/above.jpg"));

        List<TestRecord<String, ScoredUpload>> out = accepted.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("order-1", "order-2");
        assertThat(out.get(0).value().getDecision()).isEqualTo(Decision.ACCEPTED);
        assertThat(out.get(0).value().getQualityScore()).isEqualTo(0.6);
        assertThat(out.get(0).value().getThreshold()).isEqualTo(0.6);
        assertThat(out.get(0).value().getAttributes()).containsEntry("channel", "ios");
        assertThat(retake.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRouteLowScoreToRetakeWithTips() {
        start(u -> score(0.59, "too dark: face a window or turn on a light"));

        uploads.pipeInput("order-1", upload("u1", "order-1", "https://img.example/dark.jpg"));

        ScoredUpload scored = retake.readValue();
        assertThat(scored.getDecision()).isEqualTo(Decision.RETAKE);
        assertThat(scored.getTips()).containsExactly("too dark: face a window or turn on a light");
        assertThat(scored.getUploadId()).isEqualTo("u1");
        assertThat(scored.getAttempts()).isEqualTo(1);
        assertThat(accepted.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterUndecodableBytesAndKeepRunning() {
        start(u -> score(0.9));
        byte[] junk = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

        rawUploads.pipeInput("order-1", junk);
        uploads.pipeInput("order-2", upload("u2", "order-2", "https://img.example/ok.jpg"));

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("order-1");
        assertThat(dead.value()).isEqualTo(junk);
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("deserialize");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(TOPICS.uploaded());
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.EXCEPTION))
                .contains("SerializationException");
        assertThat(accepted.readValue().getUploadId()).isEqualTo("u2");
        assertThat(scoredUris).containsExactly("https://img.example/ok.jpg");
    }

    @Test
    void shouldDeadLetterAPermanentRejectionWithTheOriginalBytesAndTheReason() {
        start(u -> CompletableFuture.failedFuture(new InvalidRequestException(
                "POST /api/v1/images/score answered 422", 422, "unsupported image format")));
        UploadEvent upload = upload("u1", "order-1", "https://img.example/file.gif");
        byte[] original = uploadSerde.serializer().serialize(TOPICS.uploaded(), upload);

        rawUploads.pipeInput("order-1", original);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("order-1");
        assertThat(dead.value()).isEqualTo(original);
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("score");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.MESSAGE)).contains("422");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.EXCEPTION))
                .isEqualTo(InvalidRequestException.class.getName());
        assertThat(accepted.isEmpty()).isTrue();
        assertThat(retake.isEmpty()).isTrue();
    }

    @Test
    void shouldWriteEveryOutcomeWithItsUploadsKeyAndTimestampAndOnlyItsOwnHeaders() {
        start(u -> u.getImageUri().endsWith("refused.gif")
                ? CompletableFuture.failedFuture(new InvalidRequestException(
                        "POST /api/v1/images/score answered 422", 422, "unsupported image format"))
                : score(u.getImageUri().endsWith("sharp.jpg") ? 0.9 : 0.1));
        Instant at = Instant.parse("2026-11-21T10:00:05Z");
        byte[] refused = uploadSerde
                .serializer()
                .serialize(TOPICS.uploaded(), upload("u3", "order-3", "https://img.example/refused.gif"));
        byte[] junk = "not avro".getBytes(StandardCharsets.UTF_8);

        pipeWithHeader("order-1", upload("u1", "order-1", "https://img.example/sharp.jpg"), at);
        pipeWithHeader("order-2", upload("u2", "order-2", "https://img.example/blurry.jpg"), at.plusSeconds(1));
        rawUploads.pipeInput(new TestRecord<>("order-3", refused, incomingHeaders(), at.plusSeconds(2)));
        rawUploads.pipeInput(new TestRecord<>("order-4", junk, incomingHeaders(), at.plusSeconds(3)));

        TestRecord<String, ScoredUpload> good = accepted.readRecord();
        assertThat(good.key()).isEqualTo("order-1");
        assertThat(good.getRecordTime()).isEqualTo(at);
        // Only the trace context of the outcome's own span (see PhotoTraceTopologyTest), none of the input's.
        assertThat(good.headers().toArray())
                .as("headers of an accepted upload")
                .extracting(Header::key)
                .containsExactly("traceparent");
        TestRecord<String, ScoredUpload> low = retake.readRecord();
        assertThat(low.key()).isEqualTo("order-2");
        assertThat(low.getRecordTime()).isEqualTo(at.plusSeconds(1));
        assertThat(low.headers().toArray())
                .as("headers of a retake")
                .extracting(Header::key)
                .containsExactly("traceparent");
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(TestRecord::key).containsExactly("order-3", "order-4");
        assertThat(dead.get(0).value()).isEqualTo(refused);
        assertThat(dead.get(1).value()).isEqualTo(junk);
        assertThat(dead).extracting(TestRecord::getRecordTime).containsExactly(at.plusSeconds(2), at.plusSeconds(3));
        for (TestRecord<String, byte[]> letter : dead) {
            assertThat(letter.headers().toArray())
                    .as("headers of the dead letter of %s", letter.key())
                    .extracting(Header::key)
                    .containsExactly(
                            DeadLetterHeaders.EXCEPTION,
                            DeadLetterHeaders.MESSAGE,
                            DeadLetterHeaders.TOPIC,
                            DeadLetterHeaders.PARTITION,
                            DeadLetterHeaders.OFFSET,
                            DeadLetterHeaders.STAGE,
                            DeadLetterHeaders.ATTEMPTS,
                            DeadLetterHeaders.SERVICE,
                            "traceparent");
        }
        assertThat(accepted.isEmpty()).isTrue();
        assertThat(retake.isEmpty()).isTrue();
    }

    private void pipeWithHeader(String key, UploadEvent upload, Instant at) {
        uploads.pipeInput(new TestRecord<>(key, upload, incomingHeaders(), at));
    }

    /** A header the producer set: no output carries it on (a dead letter carries its own). */
    private static Headers incomingHeaders() {
        return new RecordHeaders().add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRetryTransientFailuresAndRouteTheEventualScore() {
        var failures = new AtomicInteger();
        RetryPolicy fast = RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(5))
                .maxAttempts(Integer.MAX_VALUE)
                .maxTotalTime(Duration.ofMinutes(1))
                .build();
        start(
                u -> failures.getAndIncrement() < 2
                        ? CompletableFuture.failedFuture(new ServerErrorException("503 from Runflow", 503, null))
                        : score(0.8),
                new GateSettings(0.6, true, new CallSettings(128, Duration.ofMillis(10), fast)));

        uploads.pipeInput("order-1", upload("u1", "order-1", "https://img.example/flaky.jpg"));

        await("the upload scored after two 503s").atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(Duration.ofMillis(10));
            return !accepted.isEmpty();
        });
        assertThat(accepted.readValue().getAttempts()).isEqualTo(3);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldScoreOneUploadPerOrderAtATimeInInputOrder() {
        start(u -> held.computeIfAbsent(u.getUploadId(), id -> new CompletableFuture<>()));

        uploads.pipeInput("order-1", upload("u1", "order-1", "https://img.example/1.jpg"));
        uploads.pipeInput("order-1", upload("u2", "order-1", "https://img.example/2.jpg"));
        uploads.pipeInput("order-2", upload("u3", "order-2", "https://img.example/3.jpg"));

        assertThat(scoredUris)
                .as("second upload of order-1 waits for the first")
                .containsExactly("https://img.example/1.jpg", "https://img.example/3.jpg");

        held.get("u1").complete(new ScoreResult(0.9, 50, 50, List.of()));
        driver.advanceWallClockTime(Duration.ofMillis(10));

        assertThat(scoredUris).endsWith("https://img.example/2.jpg");
        held.get("u2").complete(new ScoreResult(0.9, 50, 50, List.of()));
        held.get("u3").complete(new ScoreResult(0.9, 50, 50, List.of()));
        driver.advanceWallClockTime(Duration.ofMillis(10));
        assertThat(accepted.readValuesToList())
                .extracting(ScoredUpload::getUploadId)
                .containsExactly("u1", "u2", "u3");
    }

    @Test
    void shouldHaltWithoutDeadLetteringWhenRunflowRefusesTheKey() {
        start(u -> CompletableFuture.failedFuture(new UnauthorizedException("401 from Runflow")));

        uploads.pipeInput("order-1", upload("u1", "order-1", "https://img.example/1.jpg"));
        uploads.pipeInput("order-2", upload("u2", "order-2", "https://img.example/2.jpg"));
        driver.advanceWallClockTime(Duration.ofMillis(50));

        assertThat(limiter.halted()).isTrue();
        assertThat(limiter.haltReason()).get().asString().contains("runflow.api-key");
        assertThat(scoredUris).as("no call after the refusal").containsExactly("https://img.example/1.jpg");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(accepted.isEmpty()).isTrue();
        assertThat(retake.isEmpty()).isTrue();
    }
}
