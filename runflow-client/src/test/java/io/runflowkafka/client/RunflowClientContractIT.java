package io.runflowkafka.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the emulator over real HTTP(S) on loopback: every endpoint, both request forms, every error class. */
class RunflowClientContractIT {

    private static final String KEY = "rf_test_contract_key_5f2c";
    private static final String READ_ONLY_KEY = "rf_test_read_only_key_77aa";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunflowEmulator emulator;
    private static RunflowClient client;
    private static byte[] portraitJpeg;
    private static final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() throws Exception {
        emulator = RunflowEmulator.builder()
                .apiKey(KEY)
                .readOnlyKey(READ_ONLY_KEY)
                .httpsPort(0)
                .headshotsDelay(Duration.ofMillis(100))
                .runTimings(Duration.ofMillis(500), Duration.ofMillis(500))
                .callbackRetry(Duration.ofMillis(50), Duration.ofMillis(200), 3)
                .build()
                .start();
        client = new RunflowClient(config(KEY).build());
        portraitJpeg = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/sandbox/samples/portrait.jpg"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
        scheduler.shutdownNow();
    }

    @BeforeEach
    void clearFaults() {
        emulator.faults().reset();
        emulator.counters().reset();
    }

    private static RunflowClientConfig.Builder config(String key) {
        return RunflowClientConfig.builder()
                .baseUrl(emulator.baseUrl())
                .apiKey(key)
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(10))
                .totalTimeout(Duration.ofSeconds(20));
    }

    private static <T> T result(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static <E extends RunflowException> void assertFailsWith(
            CompletableFuture<?> future, Class<E> type, Consumer<E> check) {
        ThrowableAssert.ThrowingCallable call = () -> future.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(call).isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(type, e -> {
            assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain(READ_ONLY_KEY);
            check.accept(e);
        });
    }

    // ---- Score Image ---------------------------------------------------------------------------

    @Test
    void shouldScoreAnImageUrlSentAsJson() throws Exception {
        ScoreResult score = result(client.scoreImageUrl(emulator.sampleUrl("portrait.jpg")));

        assertThat(score.qualityScore()).isGreaterThanOrEqualTo(0.6);
        assertThat(score.tips()).isEmpty();
    }

    @Test
    void shouldScoreAFileSentAsMultipartWithTheSameAnswerAsItsUrl() throws Exception {
        ScoreResult fromFile = result(client.scoreImageFile(portraitJpeg, "portrait.jpg", "image/jpeg"));

        assertThat(fromFile).isEqualTo(result(client.scoreImageUrl(emulator.sampleUrl("portrait.jpg"))));
    }

    @Test
    void shouldReturnTipsForADarkPhoto() throws Exception {
        ScoreResult dark = result(client.scoreImageUrl(emulator.sampleUrl("dark.jpg")));

        assertThat(dark.qualityScore()).isLessThan(0.6);
        assertThat(dark.tips()).anyMatch(tip -> tip.startsWith("too dark"));
    }

    @Test
    void shouldTalkHttpsWhenTrustingTheEmulatorsDevCertificate() throws Exception {
        try (RunflowClient https = new RunflowClient(config(KEY)
                .baseUrl(emulator.httpsBaseUrl())
                .trustStore(RunflowEmulator.devTrustStore())
                .build())) {
            assertThat(result(https.health()).healthy()).isTrue();
            assertThat(result(https.scoreImageFile(portraitJpeg, "p.jpg", "image/jpeg"))
                            .qualityScore())
                    .isGreaterThan(0.6);
        }
        try (RunflowClient untrusting =
                new RunflowClient(config(KEY).baseUrl(emulator.httpsBaseUrl()).build())) {
            assertFailsWith(
                    untrusting.health(),
                    ConnectionFailedException.class,
                    e -> assertThat(e.isRetryable()).isTrue());
        }
    }

    // ---- Generate Headshots --------------------------------------------------------------------

    @Test
    void shouldSubmitHeadshotsFromUrlsAndGetTheCompletionCallback() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            HeadshotsSubmission submission = result(client.generateHeadshots(
                    receiver.url("/webhooks/runflow/headshots/o1/t"),
                    List.of(emulator.sampleUrl("portrait.jpg"), emulator.sampleUrl("portrait.png"))));

            await("the headshots.completed callback")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.bodies().isEmpty());
            JsonNode event = JSON.readTree(receiver.bodies().get(0));
            assertThat(event.path("event").asText()).isEqualTo("headshots.completed");
            assertThat(event.path("headshots_id").asText()).isEqualTo(submission.headshotsId());
            assertThat(event.path("image_urls")).hasSize(60);
        }
    }

    @Test
    void shouldSubmitHeadshotsFromFilesAsRepeatedMultipartParts() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            HeadshotsSubmission submission = result(client.generateHeadshotsFromFiles(
                    receiver.url("/h"),
                    List.of(
                            new ImageFile(portraitJpeg, "a.jpg", "image/jpeg"),
                            new ImageFile(portraitJpeg, "b.jpg", "image/jpeg"))));

            assertThat(submission.headshotsId()).hasSize(36);
            await("the headshots.completed callback")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.bodies().isEmpty());
            assertThat(JSON.readTree(receiver.bodies().get(0))
                            .path("headshots_id")
                            .asText())
                    .isEqualTo(submission.headshotsId());
        }
    }

    // ---- Model API -----------------------------------------------------------------------------

    @Test
    void shouldCreateARunThatGoesQueuedRunningSucceeded() throws Exception {
        ModelRun created = result(client.createRun(ModelRunRequest.builder("openai", "gpt-image-2/edit")
                .input(Map.of("prompt", "studio light", "image_urls", List.of(emulator.sampleUrl("portrait.jpg"))))
                .metadata(Map.of("order", "o-7"))
                .clientRef("job-7")
                .build()));
        Set<RunStatus> seen = new LinkedHashSet<>();
        seen.add(created.status());

        await("the run to finish")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    ModelRun run = client.getRun(created.id()).get(5, TimeUnit.SECONDS);
                    seen.add(run.status());
                    return run.isTerminal();
                });

        assertThat(seen).containsExactly(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.SUCCEEDED);
        ModelRun done = result(client.getRun(created.id()));
        assertThat(done.model()).isEqualTo("openai/gpt-image-2/edit");
        assertThat(done.clientRef()).isEqualTo("job-7");
        assertThat(done.metadata()).containsEntry("order", "o-7");
        assertThat(done.completedAt()).isAfterOrEqualTo(done.createdAt());
    }

    @Test
    void shouldAwaitATerminalRunAndReportFailuresAndCallBack() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            ModelRun created = result(client.createRun(ModelRunRequest.builder("acme", "upscale")
                    .input(Map.of("emulate_failure", "input image too small"))
                    .callbackUrl(receiver.url("/runs/r1"))
                    .build()));

            ModelRun failed = result(client.awaitRun(created.id(), Duration.ofMillis(100), Duration.ofSeconds(20)));

            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).isEqualTo("input image too small");
            await("the run.completed callback")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.bodies().isEmpty());
            assertThat(JSON.readTree(receiver.bodies().get(0))
                            .path("status_code")
                            .asText())
                    .isEqualTo("failed");
        }
    }

    @Test
    void shouldGiveUpAwaitingARunAfterMaxWait() throws Exception {
        ModelRun created = result(client.createRun(
                ModelRunRequest.builder("acme", "slow").input(Map.of()).build()));

        assertFailsWith(
                client.awaitRun(created.id(), Duration.ofMillis(50), Duration.ofMillis(120)),
                RunflowTimeoutException.class,
                e -> assertThat(e.kind()).isEqualTo(RunflowTimeoutException.Kind.TOTAL));
    }

    @Test
    void shouldHaveTheServerRefuseAClientRefLongerThan255() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v1/models/acme/upscale/runs"))
                                .header("Authorization", "Bearer " + KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"input\":{},\"client_ref\":\"" + "x".repeat(256) + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("client_ref");
    }

    @Test
    void shouldReportHealthAndFailItDuringAnOutage() throws Exception {
        assertThat(result(client.health())).isEqualTo(new HealthStatus(true, "ok"));

        emulator.faults().outageFor(Duration.ofMinutes(1));

        assertFailsWith(client.health(), ServerErrorException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        });
    }

    // ---- error classes -------------------------------------------------------------------------

    @Test
    void shouldReportAWrongKeyAsUnauthorizedWithoutEverShowingIt() {
        try (RunflowClient wrong = new RunflowClient(config("rf_wrong_key_0000").build())) {
            assertFailsWith(wrong.scoreImageUrl(emulator.sampleUrl("portrait.jpg")), UnauthorizedException.class, e -> {
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.getMessage()).doesNotContain("rf_wrong_key_0000").contains("401");
            });
            assertFailsWith(
                    wrong.getRun("any"),
                    UnauthorizedException.class,
                    e -> assertThat(e.status()).isEqualTo(401));
        }
    }

    @Test
    void shouldReportAReadOnlyKeyAsForbidden() {
        try (RunflowClient readOnly = new RunflowClient(config(READ_ONLY_KEY).build())) {
            assertFailsWith(
                    readOnly.scoreImageUrl(emulator.sampleUrl("portrait.jpg")),
                    ForbiddenException.class,
                    e -> assertThat(e.isRetryable()).isFalse());
            assertFailsWith(
                    readOnly.createRun(
                            ModelRunRequest.builder("a", "b").input(Map.of()).build()),
                    ForbiddenException.class,
                    e -> assertThat(e.status()).isEqualTo(403));
        }
    }

    @Test
    void shouldReportRateLimitingWithItsRetryAfter() {
        emulator.faults().set(FaultSettings.NONE.withErrorRate(429, 1.0).withRetryAfter(Duration.ofSeconds(2)));

        assertFailsWith(client.scoreImageUrl(emulator.sampleUrl("portrait.jpg")), RateLimitedException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
            assertThat(e.isRetryable()).isTrue();
        });
    }

    @Test
    void shouldReportAnInvalidRequestWithTheServersMessage() {
        assertFailsWith(
                client.scoreImageFile(
                        "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8), "x.jpg", "image/jpeg"),
                InvalidRequestException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.serverMessage()).contains("JPEG, PNG or WebP");
                    assertThat(e.isRetryable()).isFalse();
                });
        assertFailsWith(
                client.getRun("no-such-run"),
                InvalidRequestException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void shouldReportServerErrorsAsRetryable() {
        emulator.faults().set(FaultSettings.NONE.withErrorRate(500, 1.0));
        assertFailsWith(client.scoreImageUrl(emulator.sampleUrl("portrait.jpg")), ServerErrorException.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.isRetryable()).isTrue();
        });

        emulator.faults().set(FaultSettings.NONE.withErrorRate(503, 1.0).withRetryAfter(Duration.ofSeconds(4)));
        assertFailsWith(
                client.createRun(
                        ModelRunRequest.builder("a", "b").input(Map.of()).build()),
                ServerErrorException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(4)));
    }

    @Test
    void shouldTimeOutWhenTheWholeCallTakesTooLong() {
        emulator.faults().latency(LatencySpec.fixed(Duration.ofSeconds(3)));
        try (RunflowClient impatient = new RunflowClient(
                config(KEY).totalTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            assertFailsWith(
                    impatient.scoreImageUrl(emulator.sampleUrl("portrait.jpg")), RunflowTimeoutException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RunflowTimeoutException.Kind.TOTAL);
                        assertThat(e.isRetryable()).isTrue();
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void shouldTimeOutWhenTheBodyStallsLongerThanTheRequestTimeout() {
        emulator.faults().slowBody(Duration.ofSeconds(3));
        try (RunflowClient impatient = new RunflowClient(
                config(KEY).requestTimeout(Duration.ofMillis(100)).build())) {
            assertFailsWith(
                    impatient.scoreImageUrl(emulator.sampleUrl("portrait.jpg")),
                    RunflowTimeoutException.class,
                    e -> assertThat(e.kind()).isEqualTo(RunflowTimeoutException.Kind.IDLE));
        }
    }

    @Test
    void shouldReadASlowButMovingBodyWithinTheRequestTimeout() throws Exception {
        // Scored once first: the cold analysis would itself be a silence longer than the idle time-out.
        result(client.scoreImageUrl(emulator.sampleUrl("portrait.jpg")));
        emulator.faults().slowBody(Duration.ofMillis(600));
        try (RunflowClient patient = new RunflowClient(
                config(KEY).requestTimeout(Duration.ofMillis(400)).build())) {
            long start = System.nanoTime();

            ScoreResult score = result(patient.scoreImageUrl(emulator.sampleUrl("portrait.jpg")));

            assertThat(score.qualityScore()).isGreaterThan(0.6);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void shouldReportARefusedConnectionAsConnectionFailed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RunflowClient nowhere = new RunflowClient(
                config(KEY).baseUrl("http://127.0.0.1:" + closedPort).build())) {
            assertFailsWith(
                    nowhere.health(),
                    ConnectionFailedException.class,
                    e -> assertThat(e.isRetryable()).isTrue());
        }
    }

    @Test
    void shouldFailFastWhenTheLocalQueueIsFull() {
        // The first call holds the only connection far longer than a loaded machine may pause between the five calls.
        emulator.faults().latency(LatencySpec.fixed(Duration.ofSeconds(10)));
        try (RunflowClient tiny = new RunflowClient(config(KEY)
                .maxConnectionsPerDestination(1)
                .maxRequestsQueuedPerDestination(1)
                .build())) {
            List<CompletableFuture<ScoreResult>> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(tiny.scoreImageUrl(emulator.sampleUrl("portrait.jpg")));
            }
            assertFailsWith(
                    calls.get(4),
                    ConnectionFailedException.class,
                    e -> assertThat(e.getMessage()).contains("queued"));
        }
    }

    // ---- retries and load ----------------------------------------------------------------------

    @Test
    void shouldWaitAsRetryAfterSaysThenSucceed() throws Exception {
        emulator.faults().set(FaultSettings.NONE.withErrorRate(429, 1.0).withRetryAfter(Duration.ofSeconds(1)));
        List<Duration> waits = new ArrayList<>();
        RetryPolicy policy = RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(10))
                .maxAttempts(3)
                .build();
        long start = System.nanoTime();

        ScoreResult score = result(policy.execute(
                () -> client.scoreImageUrl(emulator.sampleUrl("portrait.jpg")),
                scheduler,
                (attempt, failure, delay) -> {
                    waits.add(delay);
                    emulator.faults().reset();
                }));

        assertThat(score.qualityScore()).isGreaterThan(0.6);
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(emulator.counters().snapshot().responses(429)).isEqualTo(1);
    }

    @Test
    void shouldNeverRetryAnUnauthorizedCall() {
        AtomicInteger attempts = new AtomicInteger();
        try (RunflowClient wrong = new RunflowClient(config("rf_wrong_key_1111").build())) {
            CompletableFuture<ScoreResult> result = RetryPolicy.defaults()
                    .execute(
                            () -> {
                                attempts.incrementAndGet();
                                return wrong.scoreImageUrl(emulator.sampleUrl("portrait.jpg"));
                            },
                            scheduler);

            assertFailsWith(result, UnauthorizedException.class, e -> {});
            assertThat(attempts).hasValue(1);
        }
    }

    @Test
    void shouldKeepHundredsOfCallsInFlightOnAHandfulOfThreads() throws Exception {
        emulator.faults().latency(LatencySpec.fixed(Duration.ofMillis(500)));
        int calls = 400;
        try (RunflowClient wide =
                new RunflowClient(config(KEY).maxConnectionsPerDestination(512).build())) {
            result(wide.scoreImageUrl(emulator.sampleUrl("small.jpg")));
            long start = System.nanoTime();
            List<CompletableFuture<ScoreResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                inFlight.add(wide.scoreImageUrl(emulator.sampleUrl("small.jpg")));
            }
            long clientThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("runflow-client"))
                    .count();
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(clientThreads).isLessThan(calls / 4);
            assertThat(inFlight).allMatch(f -> f.join().tips().stream().anyMatch(t -> t.startsWith("low resolution")));
        }
    }

    @Test
    void shouldNotLeakTheKeyInAnyMessageOrToString() {
        assertThat(client.toString()).doesNotContain(KEY);
        assertThat(client.config().toString()).doesNotContain(KEY);
    }
}
