package io.runflowkafka.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The emulator over real HTTP(S) on loopback, driven by the JDK's own HTTP client. */
class RunflowEmulatorIT {

    private static final String KEY = "it-key";
    private static final String READ_ONLY_KEY = "it-read-only-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunflowEmulator emulator;
    private static HttpClient http;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = RunflowEmulator.builder()
                .apiKey(KEY)
                .readOnlyKey(READ_ONLY_KEY)
                .httpsPort(0)
                .headshotsDelay(Duration.ofMillis(100))
                .callbackRetry(Duration.ofMillis(50), Duration.ofMillis(200), 5)
                .runTimings(Duration.ofMillis(100), Duration.ofMillis(200))
                .build()
                .start();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(RunflowEmulator.devTrustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), new SecureRandom());
        http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void clearFaultsAndCounters() {
        emulator.faults().reset();
        emulator.counters().reset();
    }

    private static HttpResponse<String> postJson(String path, String headerName, String headerValue, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headerName != null) {
            request.header(headerName, headerValue);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String scoreBody(String url) {
        return "{\"image_url\":\"" + url + "\"}";
    }

    @Test
    void shouldRefuseMissingOrWrongKeysWith401AndReadOnlyKeysWith403() throws Exception {
        String body = scoreBody(emulator.sampleUrl("portrait.jpg"));

        assertThat(postJson("/api/v1/images/score", null, null, body).statusCode())
                .isEqualTo(401);
        HttpResponse<String> wrong = postJson("/api/v1/images/score", "x-api-key", "nope", body);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("detail").asText())
                .contains("x-api-key")
                .doesNotContain("nope");
        assertThat(postJson("/api/v1/images/score", "x-api-key", READ_ONLY_KEY, body)
                        .statusCode())
                .isEqualTo(403);
        assertThat(postJson(
                                "/v1/models/acme/portrait/runs",
                                "Authorization",
                                "Bearer " + READ_ONLY_KEY,
                                "{\"input\":{}}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(postJson("/v1/models/acme/portrait/runs", "x-api-key", KEY, "{\"input\":{}}")
                        .statusCode())
                .as("the Model API wants a Bearer token, not x-api-key")
                .isEqualTo(401);
        assertThat(emulator.counters().snapshot().responses(401)).isEqualTo(3);
    }

    @Test
    void shouldScoreAUrlAndTheSameBytesUploadedAlikeAnalysingThemOnce() throws Exception {
        String url = emulator.sampleUrl("portrait.png");
        HttpResponse<String> byUrl = postJson("/api/v1/images/score", "x-api-key", KEY, scoreBody(url));
        byte[] bytes = http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray())
                .body();
        String boundary = "b0undary";
        byte[] multipart = concat(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.png\"\r\n"
                                + "Content-Type: image/png\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII),
                bytes,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> byFile = http.send(
                HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/api/v1/images/score"))
                        .header("x-api-key", KEY)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(byUrl.statusCode()).isEqualTo(200);
        assertThat(byFile.statusCode()).isEqualTo(200);
        JsonNode score = JSON.readTree(byUrl.body());
        assertThat(score.path("quality_score").asDouble()).isGreaterThanOrEqualTo(0.6);
        assertThat(score.has("brightness")
                        && score.has("sharpness")
                        && score.path("tips").isArray())
                .isTrue();
        assertThat(JSON.readTree(byFile.body())).isEqualTo(score);
        CountersSnapshot counters = emulator.counters().snapshot();
        assertThat(counters.scoreRequests()).isEqualTo(2);
        assertThat(counters.scoreAnalyses()).isEqualTo(1);
        assertThat(counters.scoreCacheHits()).isEqualTo(1);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void shouldRetakeTheWashedOutPhotoOfTwoPeopleAndAcceptARealPortraitUploadedAsFiles() throws Exception {
        JsonNode twoPeople = JSON.readTree(
                upload(Portraits.variant("two-people", "dim-bar-washed-out")).body());
        JsonNode portrait =
                JSON.readTree(upload(Portraits.bytes("grace_hopper.jpg")).body());

        assertThat(twoPeople.path("quality_score").asDouble()).isLessThan(0.6);
        assertThat(twoPeople.path("tips").toString())
                .contains(ScoreModel.TIP_MORE_THAN_ONE_PERSON)
                .contains(ScoreModel.TIP_WASHED_OUT);
        assertThat(portrait.path("quality_score").asDouble()).isGreaterThanOrEqualTo(0.6);
        assertThat(portrait.path("tips")).isEmpty();
    }

    private static HttpResponse<String> upload(byte[] photo) throws Exception {
        String boundary = "ph0to";
        byte[] multipart = concat(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\n"
                                + "Content-Type: image/jpeg\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII),
                photo,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/api/v1/images/score"))
                        .header("x-api-key", KEY)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    @Test
    void shouldAnswerAClear4xxForWhatIsNotAPhoto() throws Exception {
        HttpResponse<String> notAnImage =
                postJson("/api/v1/images/score", "x-api-key", KEY, scoreBody(emulator.baseUrl() + "/v1/health"));
        HttpResponse<String> noField = postJson("/api/v1/images/score", "x-api-key", KEY, "{\"url\":\"x\"}");
        HttpResponse<String> unreachable = postJson(
                "/api/v1/images/score",
                "x-api-key",
                KEY,
                scoreBody(emulator.baseUrl() + "/sandbox/samples/missing.jpg"));

        assertThat(notAnImage.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(notAnImage.body()).path("detail").asText()).contains("JPEG, PNG or WebP");
        assertThat(noField.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(noField.body()).path("detail").asText()).contains("image_url");
        assertThat(unreachable.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(unreachable.body()).path("detail").asText()).contains("HTTP 404");
    }

    @Test
    void shouldDeliverTheHeadshotsCallbackExactlyOnceAfterTwoRefusalsWithSixtyHttpsJpegs() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver(2)) {
            HttpResponse<String> accepted = postJson(
                    "/api/v1/images/generate-headshots",
                    "x-api-key",
                    KEY,
                    "{\"callback_url\":\"" + receiver.url("/hooks/h1") + "\",\"input_images\":[\""
                            + emulator.sampleUrl("portrait.jpg") + "\"]}");
            assertThat(accepted.statusCode()).isEqualTo(200);
            JsonNode acceptance = JSON.readTree(accepted.body());
            assertThat(acceptance.path("success").asBoolean()).isTrue();
            String id = acceptance.path("data").path("headshots_id").asText();

            await("the callback accepted after two refusals")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.accepted().isEmpty());

            assertThat(receiver.deliveries())
                    .extracting(CallbackReceiver.Delivery::answeredWith)
                    .containsExactly(500, 500, 200);
            assertThat(receiver.accepted()).hasSize(1);
            JsonNode event = JSON.readTree(receiver.accepted().get(0).body());
            assertThat(event.path("event").asText()).isEqualTo("headshots.completed");
            assertThat(event.path("headshots_id").asText()).isEqualTo(id);
            List<String> urls = new ArrayList<>();
            event.path("image_urls").forEach(u -> urls.add(u.asText()));
            assertThat(urls).hasSize(60).doesNotHaveDuplicates().allMatch(u -> u.startsWith("https://"));
            HttpResponse<byte[]> image = http.send(
                    HttpRequest.newBuilder(URI.create(urls.get(0))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(image.statusCode()).isEqualTo(200);
            assertThat(image.headers().firstValue("Content-Type")).contains("image/jpeg");
            assertThat(image.body()).startsWith((byte) 0xff, (byte) 0xd8).hasSizeGreaterThan(100_000);
            CountersSnapshot counters = emulator.counters().snapshot();
            assertThat(counters.callbacksDelivered()).isEqualTo(1);
            assertThat(counters.callbacksFailedAttempts()).isEqualTo(2);
            assertThat(counters.callbackAttempts())
                    .extracting(CallbackAttempt::attempt)
                    .containsExactly(1, 2, 3);
            assertThat(counters.imagesServed()).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswer410OnceImageUrlsHaveExpired() throws Exception {
        try (RunflowEmulator shortLived = RunflowEmulator.builder()
                        .headshotsDelay(Duration.ZERO)
                        .imageTtl(Duration.ofMillis(700))
                        .build()
                        .start();
                CallbackReceiver receiver = new CallbackReceiver(0)) {
            String body = "{\"callback_url\":\"" + receiver.url("/h") + "\",\"input_images\":[\""
                    + shortLived.sampleUrl("portrait.jpg") + "\"]}";
            http.send(
                    HttpRequest.newBuilder(URI.create(shortLived.baseUrl() + "/api/v1/images/generate-headshots"))
                            .header("x-api-key", RunflowEmulator.DEFAULT_API_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            await("the headshots callback")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.accepted().isEmpty());
            String url = JSON.readTree(receiver.accepted().get(0).body())
                    .path("image_urls")
                    .get(59)
                    .asText();

            await("the image URL to expire")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> get(url).statusCode() == 410);

            assertThat(JSON.readTree(get(url).body()).path("detail").asText()).contains("expired");
            assertThat(shortLived.counters().snapshot().imagesExpired()).isGreaterThanOrEqualTo(2);
            assertThat(get(url.replace("/060.jpg", "/061.jpg")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldSignCallbacksWithStandardWebhooksHeadersWhenASecretIsSet() throws Exception {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        try (RunflowEmulator signing = RunflowEmulator.builder()
                        .webhookSecret(secret)
                        .runTimings(Duration.ZERO, Duration.ZERO)
                        .build()
                        .start();
                CallbackReceiver receiver = new CallbackReceiver(0)) {
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(URI.create(signing.baseUrl() + "/v1/models/openai/gpt-image-2/edit/runs"))
                            .header("Authorization", "Bearer " + RunflowEmulator.DEFAULT_API_KEY)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"input\":{\"prompt\":\"smile\"},\"callback_url\":\"" + receiver.url("/runs")
                                            + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(created.body()).path("model").asText()).isEqualTo("openai/gpt-image-2/edit");

            await("the signed run callback")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.accepted().isEmpty());

            CallbackReceiver.Delivery delivery = receiver.accepted().get(0);
            Map<String, List<String>> headers = delivery.headers().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(java.util.Locale.ROOT), Map.Entry::getValue));
            assertThat(headers).containsKeys("webhook-id", "webhook-timestamp", "webhook-signature");
            new Webhook(secret).verify(delivery.body(), headers);
            assertThat(JSON.readTree(delivery.body()).path("event").asText()).isEqualTo("run.completed");
            assertThat(JSON.readTree(delivery.body()).path("status_code").asText())
                    .isEqualTo("succeeded");
        }
    }

    @Test
    void shouldInjectErrorsAndOutagesAndChangeThemAtRunTimeThroughTheAdminEndpoint() throws Exception {
        String body = scoreBody(emulator.sampleUrl("portrait.jpg"));
        HttpResponse<String> set = http.send(
                HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/admin/faults"))
                        .method(
                                "PATCH",
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"error_rates\":{\"429\":1.0},\"retry_after_ms\":3000}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(set.statusCode()).isEqualTo(200);

        HttpResponse<String> limited = postJson("/api/v1/images/score", "x-api-key", KEY, body);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");

        emulator.faults()
                .update(f -> f.withErrorRates(Map.of())
                        .withOutage(
                                java.time.Instant.now(), java.time.Instant.now().plusSeconds(60)));
        assertThat(get(emulator.baseUrl() + "/v1/health").statusCode()).isEqualTo(503);
        assertThat(postJson("/api/v1/images/score", "x-api-key", KEY, body).statusCode())
                .isEqualTo(503);

        http.send(
                HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/admin/faults"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(get(emulator.baseUrl() + "/v1/health").statusCode()).isEqualTo(200);
        assertThat(postJson("/api/v1/images/score", "x-api-key", KEY, body).statusCode())
                .isEqualTo(200);
        JsonNode counters =
                JSON.readTree(get(emulator.baseUrl() + "/admin/counters").body());
        assertThat(counters.path("faults_injected").asLong()).isEqualTo(3);
        assertThat(counters.path("responses_by_status").path("429").asLong()).isEqualTo(1);
    }

    @Test
    void shouldServeManyDelayedCallsConcurrentlyWithoutHoldingAServerThreadEach() throws Exception {
        try (RunflowEmulator few = RunflowEmulator.builder()
                .maxServerThreads(16)
                .faults(FaultSettings.NONE.withLatency(LatencySpec.fixed(Duration.ofSeconds(1))))
                .build()
                .start()) {
            String body = scoreBody(few.sampleUrl("small.jpg"));
            HttpRequest request = HttpRequest.newBuilder(URI.create(few.baseUrl() + "/api/v1/images/score"))
                    .header("x-api-key", RunflowEmulator.DEFAULT_API_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            http.send(request, HttpResponse.BodyHandlers.discarding());
            int calls = 160;
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
            CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new))
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(responses).allMatch(r -> r.join().statusCode() == 200);
            // Holding a thread per delayed call, 16 threads would need 160 / 16 x 1 s = 10 s.
            assertThat(elapsed).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void shouldDelayEveryImageByTheImageLatencyWithoutHoldingAServerThreadEach() throws Exception {
        try (RunflowEmulator distant = RunflowEmulator.builder()
                        .maxServerThreads(16)
                        .headshotsDelay(Duration.ZERO)
                        .imageLatency(LatencySpec.fixed(Duration.ofMillis(500)))
                        .build()
                        .start();
                CallbackReceiver receiver = new CallbackReceiver(0)) {
            String body = "{\"callback_url\":\"" + receiver.url("/h") + "\",\"input_images\":[\""
                    + distant.sampleUrl("portrait.jpg") + "\"]}";
            http.send(
                    HttpRequest.newBuilder(URI.create(distant.baseUrl() + "/api/v1/images/generate-headshots"))
                            .header("x-api-key", RunflowEmulator.DEFAULT_API_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            await("the headshots callback")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.accepted().isEmpty());
            List<String> urls = new ArrayList<>();
            JSON.readTree(receiver.accepted().get(0).body()).path("image_urls").forEach(u -> urls.add(u.asText()));

            long one = System.nanoTime();
            HttpResponse<byte[]> first = http.send(
                    HttpRequest.newBuilder(URI.create(urls.get(0))).build(), HttpResponse.BodyHandlers.ofByteArray());
            Duration single = Duration.ofNanos(System.nanoTime() - one);
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<byte[]>>> images = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String url : urls) {
                    images.add(http.sendAsync(
                            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()));
                }
            }
            CompletableFuture.allOf(images.toArray(CompletableFuture[]::new))
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(single).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            assertThat(images)
                    .allMatch(r -> r.join().statusCode() == 200 && r.join().body().length > 100_000);
            // Holding a thread per delayed image, 16 threads would need 180 / 16 x 0.5 s = 5.6 s.
            assertThat(elapsed).isLessThan(Duration.ofSeconds(4));
            assertThat(distant.counters().snapshot().imagesServed()).isEqualTo(181);
        }
    }

    @Test
    void shouldAbandonACallbackAfterItsLastAttempt() throws Exception {
        try (CallbackReceiver alwaysFailing = new CallbackReceiver(Integer.MAX_VALUE)) {
            postJson(
                    "/api/v1/images/generate-headshots",
                    "x-api-key",
                    KEY,
                    "{\"callback_url\":\"" + alwaysFailing.url("/h") + "\",\"input_images\":[\""
                            + emulator.sampleUrl("small.jpg") + "\"]}");

            await("the sender to give up")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> emulator.counters().snapshot().callbacksAbandoned() == 1);

            assertThat(alwaysFailing.deliveries()).hasSize(5);
            assertThat(emulator.counters().snapshot().callbacksDelivered()).isZero();
        }
    }

    @Test
    void shouldRequireTheAdminTokenWhenOneIsConfigured() throws Exception {
        try (RunflowEmulator guarded =
                RunflowEmulator.builder().adminToken("admin-secret-1").build().start()) {
            assertThat(get(guarded.baseUrl() + "/admin/counters").statusCode()).isEqualTo(401);
            assertThat(get(guarded.baseUrl() + "/admin/faults", "x-admin-token", "admin-secret-1")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldTakeEveryFlagOnTheCommandLine() throws Exception {
        RunflowEmulatorCommand command = new RunflowEmulatorCommand();
        new picocli.CommandLine(command)
                .parseArgs(
                        "--port",
                        "0",
                        "--https-port",
                        "-1",
                        "--api-key",
                        "a-key,b-key",
                        "--latency",
                        "uniform:1-2",
                        "--error-rate",
                        "503=0.5",
                        "--headshots-delay",
                        "250ms",
                        "--image-ttl",
                        "2h",
                        "--image-latency",
                        "normal:30,5");

        try (RunflowEmulator fromFlags = command.toBuilder().build().start()) {
            assertThat(fromFlags.httpsBaseUrl()).isNull();
            assertThat(fromFlags.faults().current().errorRates()).containsEntry(503, 0.5);
            assertThat(fromFlags.faults().current().latency()).hasToString("uniform:1-2");
            assertThat(fromFlags.toString()).contains("imageLatency=normal:30,5");
            assertThat(get(fromFlags.baseUrl() + "/v1/health").statusCode()).isEqualTo(200);
            HttpResponse<String> wrongKey = http.send(
                    HttpRequest.newBuilder(URI.create(fromFlags.baseUrl() + "/v1/runs/x"))
                            .header("Authorization", "Bearer sandbox-key")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongKey.statusCode()).isIn(401, 503);
            assertThat(fromFlags.toString()).doesNotContain("a-key").doesNotContain("b-key");
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
