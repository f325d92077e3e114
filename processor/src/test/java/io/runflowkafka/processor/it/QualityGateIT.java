package io.runflowkafka.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The quality gate end to end: a real broker, the emulator over HTTP, the processor as it runs in production. */
class QualityGateIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static RunflowEmulator emulator;
    private final String scope = Unique.name("gate-it");
    private ProcessorApp app;

    @BeforeAll
    static void startEmulator() {
        emulator = RunflowEmulator.builder().httpsPort(0).build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void stopProcessor() {
        if (app != null) {
            app.close();
        }
        emulator.faults().reset();
        MockSchemaRegistry.dropScope(scope);
    }

    private ProcessorApp start(GateFixture fixture, String apiKey, int maxInFlight) {
        Map<String, String> env = fixture.environment(emulator.baseUrl(), apiKey, maxInFlight);
        app = ProcessorApp.start(ProcessorConfig.load(Optional.empty(), env));
        return app;
    }

    @Test
    void shouldRouteEveryUploadExactlyOnceWhileRunflowAnswers429And503() {
        GateFixture fixture = new GateFixture(KAFKA, "mock://" + scope, 4);
        List<String> images = List.of(
                emulator.sampleUrl("portrait.jpg"),
                emulator.sampleUrl("dark.jpg"),
                emulator.sampleUrl("blurry.jpg"),
                emulator.sampleUrl("small.jpg"));
        String missing = emulator.publicBaseUrl() + "/sandbox/samples/no-such-photo.jpg";
        List<UploadEvent> uploads = new ArrayList<>();
        for (int n = 0; n < 2000; n++) {
            uploads.add(GateFixture.upload(n, "order-" + (n % 50), n % 100 == 7 ? missing : images.get(n % 4)));
        }
        emulator.faults().errorRate(429, 0.10);
        emulator.faults().errorRate(503, 0.10);
        fixture.feed(uploads);

        start(fixture, RunflowEmulator.DEFAULT_API_KEY, 64);

        Waits.await("2,000 uploads routed", Duration.ofMinutes(3)).until(() -> fixture.outputs() >= 2000);
        Map<String, Long> seen = fixture.occurrences();
        assertThat(seen).hasSize(2000);
        assertThat(seen.values()).allMatch(count -> count == 1);
        List<ScoredUpload> accepted = fixture.scored(fixture.topics.accepted());
        List<ScoredUpload> retake = fixture.scored(fixture.topics.retake());
        assertThat(accepted)
                .isNotEmpty()
                .allMatch(s -> s.getDecision() == Decision.ACCEPTED
                        && s.getQualityScore() >= 0.6
                        && s.getImageUri().endsWith("portrait.jpg"));
        assertThat(retake)
                .isNotEmpty()
                .allMatch(
                        s -> s.getDecision() == Decision.RETAKE && !s.getTips().isEmpty());
        assertThat(accepted.stream().filter(s -> s.getAttempts() > 1))
                .as("some scores needed retries")
                .isNotEmpty();
        var dead = KAFKA.clients()
                .readAllCommitted(fixture.topics.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
        assertThat(dead).hasSize(20).allSatisfy(r -> {
            assertThat(DeadLetters.text(r.headers(), DeadLetterHeaders.STAGE)).isEqualTo("score");
            assertThat(DeadLetters.text(r.headers(), DeadLetterHeaders.MESSAGE)).contains("422");
        });
        assertThat(emulator.counters().snapshot().responses(429)).isPositive();
        assertThat(emulator.counters().snapshot().responses(503)).isPositive();
    }

    @Test
    void shouldHoldUploadsThroughAnOutageAndFinishAfterIt() {
        GateFixture fixture = new GateFixture(KAFKA, "mock://" + scope, 2);
        List<UploadEvent> uploads = IntStream.range(0, 100)
                .mapToObj(n -> GateFixture.upload(n, "order-" + (n % 10), emulator.sampleUrl("portrait.jpg")))
                .toList();
        ProcessorApp processor = start(fixture, RunflowEmulator.DEFAULT_API_KEY, 16);
        Waits.await("the processor running", Duration.ofMinutes(1)).until(processor.health()::ready);
        long faultsBefore = emulator.counters().snapshot().faultsInjected();

        emulator.faults().outageFor(Duration.ofSeconds(5));
        fixture.feed(uploads);

        Waits.await("100 uploads scored after the outage", Duration.ofMinutes(2))
                .until(() -> fixture.outputs() >= 100);
        assertThat(KAFKA.clients().countCommitted(fixture.topics.deadLetter())).isZero();
        assertThat(fixture.occurrences())
                .hasSize(100)
                .allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(emulator.counters().snapshot().faultsInjected())
                .as("calls refused during the outage")
                .isGreaterThan(faultsBefore);
    }

    @Test
    void shouldStopTakingWorkAndReportUnreadyWhenTheKeyIsRefused() throws Exception {
        GateFixture fixture = new GateFixture(KAFKA, "mock://" + scope, 2);
        fixture.feed(IntStream.range(0, 5)
                .mapToObj(n -> GateFixture.upload(n, "order-" + n, emulator.sampleUrl("portrait.jpg")))
                .toList());

        ProcessorApp processor = start(fixture, "not-a-valid-key", 8);

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + processor.httpPort() + "/health/ready"))
                .build();
        Waits.await("the processor reports the refused key").until(() -> {
            HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 503 && answer.body().contains("runflow.api-key");
        });
        Waits.await("Kafka Streams closed")
                .until(() -> !processor.streams().state().isRunningOrRebalancing());
        assertThat(fixture.outputs())
                .as("nothing routed, nothing dead-lettered")
                .isZero();
        assertThat(emulator.counters().snapshot().responses(401)).isPositive();
    }

    @Test
    void shouldStartTheNextCallWithinTheDrainIntervalWhileThePollHasNothingToFetch() {
        // One call at a time: each later call starts only when the stream thread has forwarded the answer before it.
        // Both ways a poll finds nothing to fetch occur: the partition paused (a task bound of 64, 300 uploads) and,
        // at the end, the log read to its end. A stream thread that waited out poll.ms (3 s here) in such a poll
        // would take minutes.
        GateFixture fixture = new GateFixture(KAFKA, "mock://" + scope, 1);
        fixture.feed(IntStream.range(0, 300)
                .mapToObj(n -> GateFixture.upload(n, "order-" + n, emulator.sampleUrl("portrait.jpg")))
                .toList());
        Map<String, String> env =
                new HashMap<>(fixture.environment(emulator.baseUrl(), RunflowEmulator.DEFAULT_API_KEY, 1));
        env.put("KAFKA_POLL_MS", "3000");
        app = ProcessorApp.start(ProcessorConfig.load(Optional.empty(), env));
        Waits.await("the processor running", Duration.ofMinutes(1)).until(app.health()::ready);

        long start = System.nanoTime();
        Waits.await("300 uploads routed", Duration.ofMinutes(3)).until(() -> fixture.outputs() >= 300);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took)
                .as("300 calls one at a time, none waiting out a 3 s poll")
                .isLessThan(Duration.ofSeconds(90));
    }
}
