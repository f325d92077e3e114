package io.runflowkafka.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.MockSchemaRegistryExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console over a real broker and real files, through its HTTP API: what each view's endpoint answers, the token,
 * the thumbnails it may and may not make, and the replay's dry run and confirmation.
 */
class ConsoleIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();

    private static final String TOKEN = "a-console-token-for-tests";
    private static final String ORDER = "order-1";
    private static final String HEADSHOTS = "0b7f6a3e-2d4c-4f1e-9a8b-7c6d5e4f3a2b";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Console console;
    private static String base;
    private static Path photos;

    @BeforeAll
    static void pipelineAndConsole() throws Exception {
        Path root = Unique.directory("console-it");
        photos = Files.createDirectories(root.resolve("photos"));
        Path archive = Files.createDirectories(
                root.resolve("archive").resolve("headshots").resolve(HEADSHOTS));
        Files.write(photos.resolve("dark.jpg"), jpeg(640, 480));
        Files.write(archive.resolve("001.jpg"), jpeg(512, 512));
        Files.write(archive.resolve("002.jpg"), jpeg(512, 512));
        Files.write(archive.resolve("003.jpg"), jpeg(512, 512)); // in the archive, but named by no archived event
        Files.writeString(root.resolve("secret.txt"), "not a photo");

        ConsoleSettings.PipelineTopics topics = ConsoleSettings.PipelineTopics.defaults();
        topics.all().forEach(t -> KAFKA.topics().create(t, 1));
        long now = System.currentTimeMillis();
        send(topics.uploaded(), upload("u-1", photos.resolve("dark.jpg").toUri().toString()));
        send(topics.uploaded(), upload("u-2", "https://photos.example/u-2.jpg"));
        send(topics.uploaded(), upload("u-3", "https://photos.example/u-3.jpg"));
        send(topics.retake(), scored("u-1", photos.resolve("dark.jpg").toUri().toString(), Decision.RETAKE));
        send(topics.accepted(), scored("u-2", "https://photos.example/u-2.jpg", Decision.ACCEPTED));
        send(
                topics.jobs(),
                HeadshotJob.newBuilder()
                        .setOrderId(ORDER)
                        .setUserId("user-1")
                        .setJobRef("ref-1")
                        .setHeadshotsId(HEADSHOTS)
                        .setInputImageUrls(List.of("https://photos.example/u-2.jpg"))
                        .setUploadIds(List.of("u-2"))
                        .setSubmittedAt(Instant.ofEpochMilli(now - 3000))
                        .build());
        send(
                topics.completed(),
                HeadshotsCompleted.newBuilder()
                        .setHeadshotsId(HEADSHOTS)
                        .setJobRef("ref-1")
                        .setImageUrls(List.of("https://img.example/1.jpg", "https://img.example/2.jpg"))
                        .setDeliveryId("d-1")
                        .setReceivedAt(Instant.ofEpochMilli(now - 2000))
                        .setExpiresAt(Instant.ofEpochMilli(now + 86_400_000))
                        .build());
        send(
                topics.archived(),
                HeadshotsArchived.newBuilder()
                        .setHeadshotsId(HEADSHOTS)
                        .setJobRef("ref-1")
                        .setArchiveUri(root.resolve("archive").toUri().toString())
                        .setManifestKey("headshots/" + HEADSHOTS + "/manifest.json")
                        .setObjects(List.of(object(1), object(2)))
                        .setTotalBytes(2)
                        .setArchivedAt(Instant.ofEpochMilli(now - 1000))
                        .setExpiresAt(Instant.ofEpochMilli(now + 86_400_000))
                        .build());
        RecordHeaders headers = new RecordHeaders();
        headers.add("__streams.errors.topic", bytes(topics.uploaded()));
        headers.add("__streams.errors.exception", bytes("SerializationException"));
        headers.add("__streams.errors.message", bytes("not Confluent Avro wire format"));
        headers.add("runflow.api-key", bytes("sk-must-not-show"));
        try (var producer = KAFKA.clients().producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            "photos.uploaded.dlq", null, bytes("order-x"), bytes("garbled"), headers))
                    .get();
            // An upload Runflow refused, dead-lettered with its bytes: the Orders view shows it with the reason.
            RecordHeaders refused = new RecordHeaders();
            refused.add("__streams.errors.topic", bytes(topics.uploaded()));
            refused.add("__streams.errors.exception", bytes("RunflowException"));
            refused.add("__streams.errors.message", bytes("permanent 400: image_url unreachable"));
            byte[] u3 = REGISTRY.valueSerde(UploadEvent.class)
                    .serializer()
                    .serialize(topics.uploaded(), upload("u-3", "https://photos.example/u-3.jpg"));
            producer.send(new ProducerRecord<>("photos.uploaded.dlq", null, bytes(ORDER), u3, refused))
                    .get();
        }

        console = Console.start(new ConsoleSettings(
                "127.0.0.1",
                0,
                Optional.of(TOKEN),
                KAFKA.bootstrapServers(),
                Map.of(),
                REGISTRY.serdeConfig(),
                topics,
                Map.of(),
                new ArchiveSource.Folder(root.resolve("archive")),
                Optional.of(photos)));
        base = console.baseUrl();
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void shouldRefuseRequestsWithoutTheTokenAndSetACookieFromTheLink() throws Exception {
        assertThat(get("api/pipeline", null).statusCode()).isEqualTo(401);
        assertThat(get("api/pipeline", "wrong-token-of-enough-length").statusCode())
                .isEqualTo(401);
        HttpResponse<byte[]> link = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "?token=" + TOKEN)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(link.statusCode()).isEqualTo(303);
        assertThat(link.headers().firstValue("Set-Cookie").orElseThrow())
                .contains(AccessGuard.COOKIE + "=" + AccessGuard.cookieValue(TOKEN), "HttpOnly", "SameSite=Strict");
        HttpResponse<byte[]> page = HTTP.send(
                HttpRequest.newBuilder(URI.create(base))
                        .header("Cookie", AccessGuard.COOKIE + "=" + AccessGuard.cookieValue(TOKEN))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(new String(page.body(), StandardCharsets.UTF_8))
                .contains("<script src=\"/console.js\"")
                .doesNotContain("http://", "https://");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'");
    }

    @Test
    void shouldRefuseANonLoopbackHostWithoutAToken() throws Exception {
        try (Console open = Console.start(new ConsoleSettings(
                "127.0.0.1",
                0,
                Optional.empty(),
                KAFKA.bootstrapServers(),
                Map.of(),
                REGISTRY.serdeConfig(),
                ConsoleSettings.PipelineTopics.defaults(),
                Map.of(),
                new ArchiveSource.Folder(photos),
                Optional.empty()))) {
            assertThat(statusWithHost(open.port(), "evil.example"))
                    .as("a page on another name (DNS rebinding) is refused")
                    .isEqualTo(403);
            assertThat(statusWithHost(open.port(), "evil.example:" + open.port()))
                    .isEqualTo(403);
            assertThat(statusWithHost(open.port(), "127.0.0.1:" + open.port())).isEqualTo(200);
            assertThat(statusWithHost(open.port(), "localhost")).isEqualTo(200);
        }
    }

    /** The status of a raw GET of the page with this {@code Host} header (HttpClient will not send one of choice). */
    private static int statusWithHost(int port, String host) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /api/pipeline HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void shouldShowEachOrderWithItsPhotosAndItsJobsStates() throws Exception {
        JsonNode order = Waits.await("the order, archived")
                .until(
                        () -> json("api/orders").path("orders").path(0),
                        o -> "ARCHIVED".equals(o.path("state").asText()));
        assertThat(order.path("orderId").asText()).isEqualTo(ORDER);
        JsonNode job = order.path("job");
        assertThat(job.path("submittedAt").asLong())
                .isLessThan(job.path("completedAt").asLong());
        assertThat(job.path("completedAt").asLong())
                .isLessThan(job.path("archivedAt").asLong());
        Map<String, JsonNode> photos = Waits.await("the three photos' outcomes")
                .until(
                        () -> {
                            Map<String, JsonNode> byId = new java.util.HashMap<>();
                            json("api/orders")
                                    .path("orders")
                                    .path(0)
                                    .path("photos")
                                    .forEach(p -> byId.put(
                                            p.path("photo").path("uploadId").asText(), p));
                            return byId;
                        },
                        byId -> byId.size() == 3
                                && byId.values().stream()
                                        .noneMatch(p ->
                                                p.path("photo").path("decision").isNull()));
        JsonNode retake = photos.get("u-1");
        assertThat(retake.path("photo").path("decision").asText()).isEqualTo("RETAKE");
        assertThat(retake.path("photo").path("tips").path(0).asText()).isEqualTo("face a window");
        assertThat(retake.path("thumbnail").asBoolean())
                .as("a file under the photo folder")
                .isTrue();
        assertThat(photos.get("u-2").path("thumbnail").asBoolean())
                .as("a photo by URL is never fetched")
                .isFalse();
        assertThat(photos.get("u-3").path("photo").path("decision").asText()).isEqualTo("DEAD_LETTERED");
        assertThat(photos.get("u-3").path("photo").path("deadLetterReason").asText())
                .isEqualTo("RunflowException: permanent 400: image_url unreachable");

        BufferedImage thumbnail = image(get("thumbs/photo?upload=u-1", TOKEN));
        assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight())).isEqualTo(Thumbnails.MAX_SIDE);
        assertThat(get("thumbs/photo?upload=u-2", TOKEN).statusCode()).isEqualTo(404);
        assertThat(get("thumbs/photo?upload=unknown", TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldServeThumbnailsOnlyOfObjectsAnArchivedEventNamed() throws Exception {
        JsonNode jobs =
                Waits.await("the archived job").until(() -> json("api/gallery").path("jobs"), j -> j.size() == 1);
        assertThat(jobs.path(0).path("archivedKeys").toString())
                .isEqualTo("[\"headshots/" + HEADSHOTS + "/001.jpg\",\"headshots/" + HEADSHOTS + "/002.jpg\"]");
        assertThat(image(get("thumbs/archive?key=headshots/" + HEADSHOTS + "/001.jpg", TOKEN))
                        .getWidth())
                .isEqualTo(Thumbnails.MAX_SIDE);
        assertThat(get("thumbs/archive?key=headshots/" + HEADSHOTS + "/003.jpg", TOKEN)
                        .statusCode())
                .as("in the archive, but no archived event named it")
                .isEqualTo(404);
        assertThat(get("thumbs/archive?key=../secret.txt", TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldShowDeadLettersWithSecretHeadersMaskedAndReplayOnlyAfterADryRun() throws Exception {
        JsonNode letters = Waits.await("the dead letters")
                .until(
                        () -> json("api/dead-letters").path("topics").path("photos.uploaded.dlq"),
                        t -> t.path("total").asLong() == 2)
                .path("letters");
        assertThat(letters.path(0).path("offset").asLong()).as("newest first").isEqualTo(1);
        JsonNode letter = letters.path(1);
        assertThat(letter.path("reason").asText()).isEqualTo("SerializationException: not Confluent Avro wire format");
        assertThat(letter.path("headers").path("runflow.api-key").asText()).isEqualTo(DeadLetterLog.MASK);
        assertThat(letter.toString()).doesNotContain("sk-must-not-show", "garbled");

        String topic = "{\"topic\":\"photos.uploaded.dlq\"}";
        assertThat(post("api/replay/dry-run", topic, false).statusCode())
                .as("a POST without the console's header")
                .isEqualTo(403);
        assertThat(post("api/replay", "{\"topic\":\"photos.uploaded.dlq\",\"confirmation\":\"made-up\"}", true)
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("api/replay/dry-run", "{\"topic\":\"photos.uploaded\"}", true)
                        .statusCode())
                .as("not a dead-letter topic")
                .isEqualTo(400);

        JsonNode dryRun = JSON.readTree(post("api/replay/dry-run", topic, true).body());
        assertThat(dryRun.path("records").asInt()).isEqualTo(2);
        assertThat(dryRun.path("lines").path(0).asText())
                .startsWith("would replay photos.uploaded.dlq-0@0 -> photos.uploaded key=order-x");
        assertThat(KAFKA.clients().countCommitted("photos.uploaded"))
                .as("a dry run sends nothing")
                .isEqualTo(3);

        String confirm = "{\"topic\":\"photos.uploaded.dlq\",\"confirmation\":\""
                + dryRun.path("confirmation").asText() + "\"}";
        JsonNode replay = JSON.readTree(post("api/replay", confirm, true).body());
        assertThat(replay.path("records").asInt()).isEqualTo(2);
        var uploaded = KAFKA.clients()
                .readAllCommitted("photos.uploaded", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(uploaded).hasSize(5);
        assertThat(new String(uploaded.get(3).value(), StandardCharsets.UTF_8)).isEqualTo("garbled");
        assertThat(uploaded.get(3)
                        .headers()
                        .lastHeader(DeadLetterReplay.REPLAYED_FROM_HEADER)
                        .value())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("photos.uploaded.dlq-0@0");
        assertThat(uploaded.get(4).value()).as("copied byte for byte").isEqualTo(u3Bytes());
        assertThat(post("api/replay", confirm, true).statusCode())
                .as("a confirmation is good for one replay")
                .isEqualTo(400);
        JsonNode again = JSON.readTree(post("api/replay/dry-run", topic, true).body());
        assertThat(again.path("records").asInt())
                .as("a dry run starts where the replay stopped")
                .isZero();
    }

    @Test
    void shouldReplayNoMoreThanItsDryRunListed() throws Exception {
        String dlq = "headshots.jobs.dlq";
        String target = "replay-target-late";
        KAFKA.topics().create(target, 1);
        deadLetter(dlq, target, "listed");
        JsonNode dryRun = JSON.readTree(
                post("api/replay/dry-run", "{\"topic\":\"" + dlq + "\"}", true).body());
        assertThat(dryRun.path("records").asInt()).isEqualTo(1);
        deadLetter(dlq, target, "dead-lettered after the dry run");

        HttpResponse<String> replay = post("api/replay", confirmation(dlq, dryRun), true);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(replay.body()).path("records").asInt()).isEqualTo(1);
        var sent = KAFKA.clients().readAllCommitted(target, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(sent)
                .as("only what the dry run listed")
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("listed");
        JsonNode next = JSON.readTree(
                post("api/replay/dry-run", "{\"topic\":\"" + dlq + "\"}", true).body());
        assertThat(next.path("records").asInt())
                .as("the late one waits for the next dry run")
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseAReplayWhenTheGroupMovedSinceItsDryRun() throws Exception {
        String dlq = "headshots.completed.dlq";
        String target = "replay-target-moved";
        KAFKA.topics().create(target, 1);
        deadLetter(dlq, target, "first");
        JsonNode dryRun = JSON.readTree(
                post("api/replay/dry-run", "{\"topic\":\"" + dlq + "\"}", true).body());
        assertThat(dryRun.path("records").asInt()).isEqualTo(1);
        // runflow-kafka dlq replay, in the meantime, with the same group
        DeadLetterReplay.run(
                new DeadLetterReplay.Request(
                        KAFKA.bootstrapServers(),
                        Map.of(),
                        dlq,
                        null,
                        false,
                        DeadLetterReplay.DEFAULT_GROUP,
                        Integer.MAX_VALUE,
                        java.time.Duration.ofSeconds(3),
                        null),
                line -> {});
        deadLetter(dlq, target, "second, never listed");

        HttpResponse<String> replay = post("api/replay", confirmation(dlq, dryRun), true);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(replay.body()).path("error").asText()).contains("run a new dry run");
        assertThat(KAFKA.clients().countCommitted(target))
                .as("only the command line's replay sent anything")
                .isEqualTo(1);
    }

    private static void deadLetter(String dlq, String source, String value) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("__streams.errors.topic", bytes(source));
        try (var producer = KAFKA.clients().producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(dlq, null, bytes(ORDER), bytes(value), headers))
                    .get();
        }
    }

    private static String confirmation(String dlq, JsonNode dryRun) {
        return "{\"topic\":\"" + dlq + "\",\"confirmation\":\""
                + dryRun.path("confirmation").asText() + "\"}";
    }

    private static byte[] u3Bytes() {
        return KAFKA.clients()
                .readAllCommitted("photos.uploaded.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .get(1)
                .value();
    }

    private static HttpResponse<byte[]> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> post(String path, String body, boolean consoleHeader)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (consoleHeader) {
            request.header(AccessGuard.REQUEST_HEADER, "1");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(path, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static BufferedImage image(HttpResponse<byte[]> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/jpeg");
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    private static <T extends SpecificRecord> void send(String topic, T value) throws Exception {
        @SuppressWarnings("unchecked")
        Serde<T> serde = (Serde<T>) REGISTRY.valueSerde(value.getClass());
        try (var producer = KAFKA.clients().producer(new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, ORDER, value)).get();
        }
    }

    private static UploadEvent upload(String id, String uri) {
        return UploadEvent.newBuilder()
                .setUploadId(id)
                .setOrderId(ORDER)
                .setUserId("user-1")
                .setImageUri(uri)
                .setUploadedAt(Instant.now())
                .build();
    }

    private static ScoredUpload scored(String id, String uri, Decision decision) {
        return ScoredUpload.newBuilder()
                .setUploadId(id)
                .setOrderId(ORDER)
                .setUserId("user-1")
                .setImageUri(uri)
                .setDecision(decision)
                .setQualityScore(decision == Decision.RETAKE ? 0.3 : 0.9)
                .setBrightness(20)
                .setSharpness(70)
                .setTips(decision == Decision.RETAKE ? List.of("face a window") : List.of())
                .setThreshold(0.6)
                .setUploadedAt(Instant.now())
                .setScoredAt(Instant.now())
                .build();
    }

    private static ArchivedObject object(int index) {
        return ArchivedObject.newBuilder()
                .setIndex(index)
                .setSourceUrl("https://img.example/" + index + ".jpg")
                .setKey("headshots/" + HEADSHOTS + "/00" + index + ".jpg")
                .setSizeBytes(1)
                .setSha256("0".repeat(64))
                .setContentType("image/jpeg")
                .build();
    }

    private static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(width / 2, height / 2, 0xffffff);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
