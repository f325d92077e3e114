package io.runflowkafka.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Runflow emulator with HTTPS image URLs plus a loopback endpoint that receives its headshots.completed
 * callbacks, so a test can run real Generate Headshots jobs and turn their callbacks into HeadshotsCompleted
 * events, as the webhook bridge would.
 */
public final class EmulatedRunflow implements AutoCloseable {

    /** Password of the truststore file written for the sink (the emulator's public dev certificate). */
    public static final String TRUST_PASSWORD = "test-only";

    private final RunflowEmulator emulator;
    private final HttpServer callbacks;
    private final Map<String, List<String>> completed = new ConcurrentHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public EmulatedRunflow(Duration imageTtl) throws IOException {
        this(imageTtl, LatencySpec.NONE);
    }

    /** An emulator whose image URLs answer after {@code imageLatency}, like a distant CDN. */
    public EmulatedRunflow(Duration imageTtl, LatencySpec imageLatency) throws IOException {
        emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .headshotsDelay(Duration.ofMillis(50))
                .imageTtl(imageTtl)
                .imageLatency(imageLatency)
                .build()
                .start();
        callbacks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        callbacks.createContext("/callback", exchange -> {
            try (exchange) {
                JsonNode body = json.readTree(exchange.getRequestBody());
                List<String> urls = new ArrayList<>();
                body.path("image_urls").forEach(url -> urls.add(url.asText()));
                completed.put(body.path("headshots_id").asText(), urls);
                exchange.sendResponseHeaders(200, -1);
            }
        });
        callbacks.start();
    }

    public RunflowEmulator emulator() {
        return emulator;
    }

    /** The host of the image URLs, for the sink's allowlist. */
    public String imageHost() {
        return URI.create(emulator.publicBaseUrl()).getHost();
    }

    /** The allowlist entry for the emulator's image URLs, {@code host:port}: an entry without a port allows 443 only. */
    public String imageAllowlistEntry() {
        return URI.create(emulator.publicBaseUrl()).getAuthority();
    }

    /** Writes the emulator's dev truststore under {@code directory} for {@code sink.tls.truststore}. */
    public Path writeTrustStore(Path directory) throws Exception {
        Files.createDirectories(directory);
        Path file = directory.resolve("emulator-trust.p12");
        KeyStore store = RunflowEmulator.devTrustStore();
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, TRUST_PASSWORD.toCharArray());
        }
        return file;
    }

    /** Runs {@code count} Generate Headshots jobs and returns their completions once every callback arrived. */
    public List<HeadshotsCompleted> generate(int count, Duration urlLifetime) throws Exception {
        List<String> ids = new ArrayList<>();
        String request = json.writeValueAsString(Map.of(
                "callback_url",
                "http://127.0.0.1:" + callbacks.getAddress().getPort() + "/callback",
                "input_images",
                List.of(emulator.sampleUrl("portrait.jpg"))));
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/api/v1/images/generate-headshots"))
                            .header("x-api-key", RunflowEmulator.DEFAULT_API_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "generate-headshots answered " + response.statusCode() + ": " + response.body());
            }
            ids.add(json.readTree(response.body())
                    .path("data")
                    .path("headshots_id")
                    .asText());
        }
        Waits.await(count + " headshots.completed callbacks", Duration.ofSeconds(60))
                .until(() -> ids.stream().allMatch(completed::containsKey));
        Instant receivedAt = Instant.now();
        List<HeadshotsCompleted> events = new ArrayList<>();
        for (String id : ids) {
            events.add(HeadshotsCompleted.newBuilder()
                    .setHeadshotsId(id)
                    .setJobRef("job-" + id.substring(0, 8))
                    .setImageUrls(completed.get(id))
                    .setDeliveryId("delivery-" + id)
                    .setReceivedAt(receivedAt)
                    .setExpiresAt(receivedAt.plus(urlLifetime))
                    .setAttributes(Map.of("source", "emulator"))
                    .build());
        }
        return events;
    }

    @Override
    public void close() {
        callbacks.stop(0);
        emulator.close();
    }
}
