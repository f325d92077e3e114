package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.client.InvalidRequestException;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.OrderMetrics;
import io.runflowkafka.processor.orders.OrderSettings;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor's part of "one trace per photo", on the whole topology with an in-memory span exporter: the upload's
 * trace goes on to its scored record and dead letters, and an order's job is a child of its first photo, linked to
 * the others, its context in the job record and signed into the callback URL.
 */
class PhotoTraceTopologyTest {

    private static final String SCOPE = "photo-trace-topology-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final String SECRET = "photo-trace-test-callback-secret-0123";
    private static final String TRACE_1 = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACE_2 = "5bf92f3577b34da6a3ce929d0e0e4737";
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final String HEADSHOTS_ID = "3f0b8c1e-2d4a-4b6c-9e8f-0a1b2c3d4e5f";

    private final Serde<UploadEvent> uploadSerde = AvroSerdes.specific(UploadEvent.class, REGISTRY, false);
    private final Serde<ScoredUpload> scoredSerde = AvroSerdes.specific(ScoredUpload.class, REGISTRY, false);
    private final Serde<HeadshotJob> jobSerde = AvroSerdes.specific(HeadshotJob.class, REGISTRY, false);
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final List<String> callbackUrls = new CopyOnWriteArrayList<>();
    private Tracing tracing;
    private CallLimiter limiter;
    private TopologyTestDriver driver;
    private TestInputTopic<String, UploadEvent> uploads;
    private TestInputTopic<String, byte[]> rawUploads;
    private TestOutputTopic<String, ScoredUpload> accepted;
    private TestOutputTopic<String, ScoredUpload> retake;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, HeadshotJob> jobs;

    @BeforeEach
    void start() {
        start(true);
    }

    private void start(boolean traceInCallbackUrl) {
        tracing = Tracing.exportingTo("processor-test", spans);
        limiter = new CallLimiter(64, 0);
        CallSettings calls = new CallSettings(64, Duration.ofMillis(10), CallSettings.holdingRetries());
        var gate = new ProcessorTopology.Gate(
                ProcessorConfig.defaults().gateTopics(),
                ProcessorConfig.defaults().gateSettings(),
                upload -> upload.getImageUri().endsWith("bad.jpg")
                        ? CompletableFuture.failedFuture(new InvalidRequestException("not an image", 422, null))
                        : CompletableFuture.completedFuture(new ScoreResult(
                                upload.getImageUri().endsWith("dark.jpg") ? 0.2 : 0.9, 60, 70, List.of())),
                limiter,
                new GateMetrics(new SimpleMeterRegistry(), limiter),
                uploadSerde,
                scoredSerde);
        InFlightSubmissions inFlight = new InFlightSubmissions();
        var orders = new ProcessorTopology.Orders(
                ProcessorConfig.defaults().orderTopics(),
                new OrderSettings(2, 1, Duration.ofMinutes(15), "https://hooks.example.com", calls, traceInCallbackUrl),
                ProcessorConfig.defaults().statusTopics(),
                (callbackUrl, images) -> {
                    callbackUrls.add(callbackUrl);
                    return CompletableFuture.completedFuture(new HeadshotsSubmission(HEADSHOTS_ID));
                },
                CallbackTokens.of(SECRET),
                new OrderMetrics(new SimpleMeterRegistry(), inFlight),
                inFlight,
                (partition, since) -> true,
                jobSerde,
                AvroSerdes.specific(HeadshotsCompleted.class, REGISTRY, false),
                AvroSerdes.specific(HeadshotsArchived.class, REGISTRY, false));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "photo-trace-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Path.of("target", "topology-test-state", UUID.randomUUID().toString())
                        .toAbsolutePath()
                        .toString());
        driver = new TopologyTestDriver(ProcessorTopology.build(gate, orders, tracing), props, START);
        var topics = ProcessorConfig.defaults().gateTopics();
        uploads = driver.createInputTopic(topics.uploaded(), new StringSerializer(), uploadSerde.serializer());
        rawUploads = driver.createInputTopic(
                topics.uploaded(),
                new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        accepted = driver.createOutputTopic(topics.accepted(), new StringDeserializer(), scoredSerde.deserializer());
        retake = driver.createOutputTopic(topics.retake(), new StringDeserializer(), scoredSerde.deserializer());
        deadLetters =
                driver.createOutputTopic(topics.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
        jobs = driver.createOutputTopic(
                ProcessorConfig.defaults().orderTopics().jobs(), new StringDeserializer(), jobSerde.deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
        if (limiter != null) {
            limiter.close();
            limiter = null;
        }
        if (tracing != null) {
            tracing.close();
            tracing = null;
        }
        MockSchemaRegistry.dropScope(SCOPE);
    }

    private static UploadEvent upload(String id, String order, String uri) {
        return UploadEvent.newBuilder()
                .setUploadId(id)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri(uri)
                .setUploadedAt(START)
                .setAttributes(Map.of())
                .build();
    }

    private static Headers traced(String traceId, String spanId) {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + traceId + "-" + spanId + "-01").getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private SpanData span(String name, String uploadOrJob) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .filter(s -> s.getAttributes().asMap().containsValue(uploadOrJob))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no span " + name + " of " + uploadOrJob + " in " + spans.getFinishedSpanItems()));
    }

    @Test
    void shouldCarryEachUploadsTraceToItsOutcomeUnderAScoreSpan() {
        uploads.pipeInput(new TestRecord<>(
                "order-1", upload("u1", "order-1", "https://img/a.jpg"), traced(TRACE_1, "00f067aa0ba902b7"), START));
        uploads.pipeInput(new TestRecord<>(
                "order-9",
                upload("u9", "order-9", "https://img/dark.jpg"),
                traced(TRACE_2, "00f067aa0ba902b8"),
                START));
        uploads.pipeInput(new TestRecord<>(
                "order-8", upload("u8", "order-8", "https://img/bad.jpg"), traced(TRACE_2, "00f067aa0ba902b9"), START));

        SpanContext scored = Tracing.spanContext(accepted.readRecord().headers());
        SpanContext retaken = Tracing.spanContext(retake.readRecord().headers());
        SpanContext deadLettered = Tracing.spanContext(deadLetters.readRecord().headers());

        SpanData score = span("score", "u1");
        assertThat(scored.getTraceId()).isEqualTo(TRACE_1);
        assertThat(scored.getSpanId()).isEqualTo(score.getSpanId());
        assertThat(score.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(score.getAttributes().asMap().values()).contains("accepted", "order-1");
        assertThat(retaken.getTraceId()).isEqualTo(TRACE_2);
        assertThat(span("score", "u9").getParentSpanId()).isEqualTo("00f067aa0ba902b8");
        assertThat(deadLettered.getTraceId()).isEqualTo(TRACE_2);
        assertThat(span("score", "u8").getAttributes().asMap().values()).contains("dead-letter");
    }

    @Test
    void shouldStartATraceForAnUploadWithoutOneAndKeepAnUndecodableOnesContext() {
        uploads.pipeInput("order-1", upload("u1", "order-1", "https://img/dark.jpg"));
        rawUploads.pipeInput(
                new TestRecord<>("order-2", new byte[] {9, 9}, traced(TRACE_2, "00f067aa0ba902b7"), START));

        SpanContext retaken = Tracing.spanContext(retake.readRecord().headers());
        SpanContext deadLettered = Tracing.spanContext(deadLetters.readRecord().headers());

        SpanData root = span("upload", "u1");
        assertThat(root.getParentSpanContext().isValid()).as("a new trace").isFalse();
        assertThat(retaken.getTraceId()).isEqualTo(root.getTraceId()).isNotEqualTo(TRACE_2);
        assertThat(span("score", "u1").getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(deadLettered.getTraceId()).isEqualTo(TRACE_2);
    }

    @Test
    void shouldParentTheJobOnTheFirstPhotoLinkTheOthersAndSignItIntoTheCallbackUrl() {
        uploads.pipeInput(new TestRecord<>(
                "order-1", upload("u1", "order-1", "https://img/1.jpg"), traced(TRACE_1, "00f067aa0ba902b7"), START));
        uploads.pipeInput(new TestRecord<>(
                "order-1", upload("u2", "order-1", "https://img/2.jpg"), traced(TRACE_2, "00f067aa0ba902b8"), START));

        await("the order's job").atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(Duration.ofMillis(20));
            return !jobs.isEmpty();
        });
        SpanContext jobRecord = Tracing.spanContext(jobs.readRecord().headers());

        SpanData job = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("headshots-job"))
                .findFirst()
                .orElseThrow();
        SpanData submit = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("submit-headshots"))
                .findFirst()
                .orElseThrow();
        assertThat(job.getTraceId()).isEqualTo(TRACE_1);
        assertThat(job.getParentSpanId()).isEqualTo(span("score", "u1").getSpanId());
        assertThat(job.getLinks())
                .extracting(LinkData::getSpanContext)
                .extracting(SpanContext::getTraceId, SpanContext::getSpanId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        TRACE_2, span("score", "u2").getSpanId()));
        assertThat(submit.getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(submit.getAttributes().asMap().values()).contains(HEADSHOTS_ID);
        assertThat(jobRecord.getTraceId()).isEqualTo(TRACE_1);
        assertThat(jobRecord.getSpanId()).isEqualTo(submit.getSpanId());

        URI callback = URI.create(callbackUrls.get(0));
        String jobTraceparent = "00-" + TRACE_1 + "-" + job.getSpanId() + "-01";
        assertThat(callback.getQuery()).startsWith("traceparent=" + jobTraceparent + "&trace_token=");
        String[] path = callback.getPath().split("/");
        String token = callback.getQuery().substring(callback.getQuery().indexOf("trace_token=") + 12);
        assertThat(CallbackTokens.of(SECRET).verifyTrace(path[4], jobTraceparent, token))
                .isTrue();
    }

    @Test
    void shouldLeaveTheTraceOutOfTheCallbackUrlWhenTurnedOff() {
        stop();
        start(false);
        uploads.pipeInput(new TestRecord<>(
                "order-1", upload("u1", "order-1", "https://img/1.jpg"), traced(TRACE_1, "00f067aa0ba902b7"), START));
        uploads.pipeInput(new TestRecord<>(
                "order-1", upload("u2", "order-1", "https://img/2.jpg"), traced(TRACE_2, "00f067aa0ba902b8"), START));

        await("the order's job").atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(Duration.ofMillis(20));
            return !jobs.isEmpty();
        });

        URI callback = URI.create(callbackUrls.get(0));
        assertThat(callback.getQuery()).as("no query in %s", callback).isNull();
        assertThat(Tracing.spanContext(jobs.readRecord().headers()).getTraceId())
                .as("the job record keeps its trace")
                .isEqualTo(TRACE_1);
    }
}
