package io.runflowkafka.bridge;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.RunCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The bridge's real routes and handlers on a loopback port, writing to a {@link MockProducer} whose
 * acknowledgements the test controls, with an in-memory Schema Registry scope of its own.
 */
final class BridgeHarness implements AutoCloseable {

    static final String CALLBACK_SECRET = "current-callback-secret-0123456789";
    static final String OLD_CALLBACK_SECRET = "previous-callback-secret-9876543210";
    static final String SIGNING_SECRET = "whsec_"
            + Base64.getEncoder()
                    .encodeToString("bridge-test-signing-key-32-bytes".getBytes(StandardCharsets.US_ASCII));
    static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");
    static final String HEADSHOTS_TOPIC = "headshots.completed";
    static final String RUNS_TOPIC = "runs.completed";
    private static final Tracing UNTRACED = Tracing.propagateOnly("bridge-test");

    final MockProducer<String, byte[]> producer;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final BridgeMetrics metrics = new BridgeMetrics(registry);
    final Health health = new Health();
    final CallbackTokens tokens = CallbackTokens.of(CALLBACK_SECRET, OLD_CALLBACK_SECRET);
    final Javalin app;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String scope = "bridge-harness-" + UUID.randomUUID();
    private final Map<String, Object> serdeConfig = Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
    private final KafkaEventPublisher publisher;

    private BridgeHarness(
            boolean autoComplete,
            SignatureVerifier signatures,
            BridgeSettings.Limits limits,
            Duration shutdownTimeout,
            Tracing tracing) {
        producer = new MockProducer<>(autoComplete, null, new StringSerializer(), new ByteArraySerializer());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serializer<GenericRecord> serializer =
                (Serializer) AvroSerdes.generic(serdeConfig, false).serializer();
        publisher = new KafkaEventPublisher(producer, serializer, registry, Duration.ofSeconds(1));
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CallbackHandler headshots = new CallbackHandler(
                "headshots",
                new HeadshotsCallbackParser(HEADSHOTS_TOPIC, Duration.ofHours(24)),
                tokens,
                signatures,
                publisher,
                metrics,
                threads,
                clock,
                limits,
                tracing);
        CallbackHandler runs = new CallbackHandler(
                "runs",
                new RunCallbackParser(RUNS_TOPIC),
                tokens,
                signatures,
                publisher,
                metrics,
                threads,
                clock,
                limits,
                tracing);
        health.up("kafka", "test");
        app = BridgeRoutes.create(
                headshots,
                runs,
                metrics,
                health,
                registry,
                new BridgeSettings.Server("127.0.0.1", 0, 64, shutdownTimeout, true),
                limits,
                threads);
        app.start("127.0.0.1", 0);
    }

    /** Unsigned callbacks, acknowledgements completed by the test, 15 s Kafka timeout (ample on a loaded machine). */
    static BridgeHarness manual() {
        return new BridgeHarness(
                false, SignatureVerifier.disabled(), limits(Duration.ofSeconds(15)), Duration.ofSeconds(5), UNTRACED);
    }

    /** Unsigned callbacks, every send acknowledged at once. */
    static BridgeHarness autoAck() {
        return autoAck(UNTRACED);
    }

    /** Unsigned callbacks, every send acknowledged at once, spans made by {@code tracing}. */
    static BridgeHarness autoAck(Tracing tracing) {
        return new BridgeHarness(
                true, SignatureVerifier.disabled(), limits(Duration.ofSeconds(2)), Duration.ofSeconds(5), tracing);
    }

    /** Signatures required (secrets given), every send acknowledged at once. */
    static BridgeHarness signed(String... signingSecrets) {
        return new BridgeHarness(
                true,
                SignatureVerifier.of(List.of(signingSecrets)),
                limits(Duration.ofSeconds(2)),
                Duration.ofSeconds(5),
                UNTRACED);
    }

    /** Acknowledgements completed by the test, with the given Kafka timeout. */
    static BridgeHarness manual(Duration kafkaTimeout) {
        return new BridgeHarness(
                false, SignatureVerifier.disabled(), limits(kafkaTimeout), Duration.ofSeconds(5), UNTRACED);
    }

    static BridgeSettings.Limits limits(Duration kafkaTimeout) {
        return new BridgeSettings.Limits(1_048_576, kafkaTimeout, Duration.ofSeconds(5));
    }

    String base() {
        return "http://127.0.0.1:" + app.port();
    }

    /** The callback URL the processor would hand to Runflow for this job. */
    String callbackUrl(String kind, String jobRef) {
        return tokens.callbackUrl(base(), kind, jobRef);
    }

    HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return post(url, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    HttpResponse<String> post(String url, String contentType, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return http.send(
                request(url, contentType, HttpRequest.BodyPublishers.ofByteArray(body), headers),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Posts a body over the bridge's limit. The bridge answers 413 from the declared length and closes while the body
     * is still coming; now and then the connection reset reaches the JDK client before it has read the answer (its
     * {@code Expect: 100-continue} support, which would avoid that, hangs on JDK 17 when the answer is not 100), so
     * a reset is tried again, three times at most.
     */
    HttpResponse<String> postOversized(String url, byte[] body) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return post(url, "application/json", body, Map.of());
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    CompletableFuture<HttpResponse<String>> postAsync(String url, String body) {
        return http.sendAsync(
                request(
                        url,
                        "application/json",
                        HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8),
                        Map.of()),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String url, String contentType, HttpRequest.BodyPublisher body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .POST(body);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        headers.forEach(builder::header);
        return builder.build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(base() + path))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HeadshotsCompleted headshots(ProducerRecord<String, byte[]> record) {
        return AvroSerdes.specific(HeadshotsCompleted.class, serdeConfig, false)
                .deserializer()
                .deserialize(record.topic(), record.value());
    }

    RunCompleted run(ProducerRecord<String, byte[]> record) {
        return AvroSerdes.specific(RunCompleted.class, serdeConfig, false)
                .deserializer()
                .deserialize(record.topic(), record.value());
    }

    /** A valid headshots.completed body with {@code count} URLs. */
    static String headshotsBody(String headshotsId, int count) {
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            urls.add("\"https://cdn.runflow.io/headshots/" + headshotsId + "/out_" + String.format("%03d", i)
                    + ".jpg\"");
        }
        return "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + headshotsId + "\",\"image_urls\":["
                + String.join(",", urls) + "]}";
    }

    @Override
    public void close() {
        app.stop();
        publisher.close();
        MockSchemaRegistry.dropScope(scope);
    }
}
