package io.runflowkafka.processor.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.client.ServerErrorException;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.processor.ProcessorTopology;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.async.ManualCallClock;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

/**
 * An upload that fails retryably on every attempt while other calls succeed gives up its slot: it is dead-lettered
 * with the reason and its attempts after the deadline. When every call fails, it is an outage and nothing is.
 *
 * <p>Time is the test's: the calls' clock and the task's wall clock move together, by hand, so the deadline and the
 * backoffs pass without waiting for them.
 */
class LoneFailureTest {

    private static final String SCOPE = "lone-failure-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final GateTopics TOPICS = ProcessorConfig.defaults().gateTopics();
    private static final Duration DEADLINE = Duration.ofMillis(500);
    private static final RetryPolicy FAST = RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(5))
            .maxBackoff(Duration.ofMillis(20))
            .maxAttempts(Integer.MAX_VALUE)
            .maxTotalTime(Duration.ofDays(1))
            .build();

    private final Serde<UploadEvent> uploadSerde = AvroSerdes.specific(UploadEvent.class, REGISTRY, false);
    private final Serde<ScoredUpload> scoredSerde = AvroSerdes.specific(ScoredUpload.class, REGISTRY, false);
    private final ManualCallClock clock = new ManualCallClock();
    private CallLimiter limiter;
    private TopologyTestDriver driver;
    private TestInputTopic<String, UploadEvent> uploads;
    private TestOutputTopic<String, ScoredUpload> accepted;
    private TestOutputTopic<String, byte[]> deadLetters;

    @AfterEach
    void tearDown() {
        driver.close();
        limiter.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldDeadLetterAnUploadThatKeepsFailingWhileOthersSucceed() {
        start(upload -> upload.getImageUri().endsWith("bad.jpg")
                ? CompletableFuture.failedFuture(new ServerErrorException("HTTP 503 for this image", 503, null))
                : CompletableFuture.completedFuture(new ScoreResult(0.9, 70, 80, List.of())));

        pipe("bad", "order-1", "https://img.example/bad.jpg");
        long start = clock.nanoTime();
        for (int n = 0; n < 20; n++) {
            pipe("good-" + n, "order-" + (n + 2), "https://img.example/good.jpg");
            pump(Duration.ofMillis(50));
        }
        await("the lone failure dead-lettered").atMost(Duration.ofSeconds(10)).until(() -> {
            pump(Duration.ofMillis(20));
            return !deadLetters.isEmpty();
        });

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(Duration.ofNanos(clock.nanoTime() - start))
                .as("held at least the deadline")
                .isGreaterThanOrEqualTo(DEADLINE);
        assertThat(dead.key()).isEqualTo("order-1");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("score");
        assertThat(Integer.parseInt(DeadLetters.text(dead.headers(), DeadLetterHeaders.ATTEMPTS)))
                .isGreaterThan(1);
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.MESSAGE))
                .contains("503", "while other calls succeeded");
        assertThat(accepted.readValuesToList()).hasSize(20);
    }

    @Test
    void shouldHoldEverythingWhenEveryCallFails() {
        AtomicBoolean outage = new AtomicBoolean(true);
        start(upload -> outage.get()
                ? CompletableFuture.failedFuture(new ServerErrorException("HTTP 503: Runflow is down", 503, null))
                : CompletableFuture.completedFuture(new ScoreResult(0.9, 70, 80, List.of())));

        for (int n = 0; n < 5; n++) {
            pipe("u" + n, "order-" + n, "https://img.example/" + n + ".jpg");
        }
        long until = clock.nanoTime() + DEADLINE.multipliedBy(4).toNanos();
        while (clock.nanoTime() < until) {
            pump(Duration.ofMillis(20));
        }
        assertThat(deadLetters.isEmpty())
                .as("dead letters during an outage four times the deadline")
                .isTrue();

        outage.set(false);
        await("everything scored after the outage")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    pump(Duration.ofMillis(20));
                    return accepted.getQueueSize() >= 5;
                });
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    private void start(Function<UploadEvent, CompletableFuture<ScoreResult>> scorer) {
        limiter = new CallLimiter(64, 0, DEADLINE, clock);
        GateSettings settings = new GateSettings(0.6, true, new CallSettings(128, Duration.ofMillis(10), FAST));
        Topology topology = ProcessorTopology.build(
                new ProcessorTopology.Gate(
                        TOPICS,
                        settings,
                        scorer::apply,
                        limiter,
                        new GateMetrics(new SimpleMeterRegistry(), limiter),
                        uploadSerde,
                        scoredSerde),
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lone-failure-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        uploads = driver.createInputTopic(TOPICS.uploaded(), new StringSerializer(), uploadSerde.serializer());
        accepted = driver.createOutputTopic(TOPICS.accepted(), new StringDeserializer(), scoredSerde.deserializer());
        deadLetters =
                driver.createOutputTopic(TOPICS.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void pipe(String id, String order, String uri) {
        uploads.pipeInput(
                order,
                UploadEvent.newBuilder()
                        .setUploadId(id)
                        .setOrderId(order)
                        .setUserId("user")
                        .setImageUri(uri)
                        .setUploadedAt(Instant.parse("2026-11-21T10:00:00Z"))
                        .setAttributes(Map.of())
                        .build());
    }

    /** Lets time pass: the retries that fall due are made, then the punctuator forwards what arrived. */
    private void pump(Duration wait) {
        clock.advance(wait);
        driver.advanceWallClockTime(wait);
    }
}
