package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.svix.Webhook;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.MockSchemaRegistryExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole bridge, configured as in production, against a real Kafka broker. */
class WebhookBridgeIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();

    private static final String CALLBACK_SECRET = "it-callback-secret-0123456789abcdef";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CallbackTokens tokens = CallbackTokens.of(CALLBACK_SECRET);
    private String topic;
    private WebhookBridge bridge;

    @BeforeEach
    void startBridge() {
        topic = Unique.topic("headshots-completed");
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", REGISTRY.url());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("TOPICS_PARTITIONS", "3");
        env.put("TOPICS_REPLICATION_FACTOR", "1");
        env.put("BRIDGE_TOPIC_HEADSHOTS_COMPLETED", topic);
        env.put("BRIDGE_TOPIC_RUNS_COMPLETED", Unique.topic("runs-completed"));
        env.put("BRIDGE_CALLBACK_SECRETS", CALLBACK_SECRET);
        env.put("BRIDGE_SIGNING_SECRET", BridgeHarness.SIGNING_SECRET);
        env.put("BRIDGE_KAFKA_TIMEOUT_MS", "5000");
        env.put("BRIDGE_READINESS_INTERVAL_MS", "500");
        env.put("BRIDGE_SHUTDOWN_TIMEOUT_MS", "5000");
        bridge = WebhookBridge.start(BridgeConfig.load(Optional.empty(), env));
    }

    @AfterEach
    void stopBridge() {
        bridge.close();
    }

    private HttpResponse<String> send(String jobRef, String headshotsId, String webhookId) throws Exception {
        return http.send(request(jobRef, headshotsId, webhookId), HttpResponse.BodyHandlers.ofString());
    }

    /** Like Runflow retrying a callback until it gets 200: warms the producer up (metadata) before a test proper. */
    private void sendUntilStored(String jobRef, String headshotsId) {
        Waits.await("a warm-up callback to be stored", Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() ->
                        send(jobRef, headshotsId, "msg_warm_" + headshotsId).statusCode() == 200);
    }

    private HttpRequest request(String jobRef, String headshotsId, String webhookId) throws Exception {
        String body = headshotsBody(headshotsId, 60);
        long timestamp = Instant.now().getEpochSecond();
        return HttpRequest.newBuilder(
                        URI.create(tokens.callbackUrl("http://127.0.0.1:" + bridge.port(), "headshots", jobRef)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", new Webhook(BridgeHarness.SIGNING_SECRET).sign(webhookId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private int readyStatus() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port() + "/health/ready"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private List<ConsumerRecord<String, HeadshotsCompleted>> stored() {
        return KAFKA.clients()
                .readAllCommitted(
                        topic,
                        new StringDeserializer(),
                        REGISTRY.valueSerde(HeadshotsCompleted.class).deserializer());
    }

    @Test
    void shouldStoreACallbackSignedBothWaysExactlyOnceReadableWithTheProjectSerde() throws Exception {
        sendUntilStored("job-it-0", UUID.randomUUID().toString());
        String headshotsId = UUID.randomUUID().toString();

        HttpResponse<String> answer = send("job-it-1", headshotsId, "msg_it_1");

        assertThat(answer.statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, HeadshotsCompleted>> records = stored().stream()
                .filter(record -> record.key().equals(headshotsId))
                .toList();
        assertThat(records).hasSize(1);
        ConsumerRecord<String, HeadshotsCompleted> record = records.get(0);
        assertThat(record.key()).isEqualTo(headshotsId);
        assertThat(record.value().getHeadshotsId()).isEqualTo(headshotsId);
        assertThat(record.value().getJobRef()).isEqualTo("job-it-1");
        assertThat(record.value().getImageUrls()).hasSize(60);
        assertThat(record.value().getDeliveryId()).isEqualTo("msg_it_1");
        assertThat(record.value().getExpiresAt())
                .isEqualTo(record.value().getReceivedAt().plus(Duration.ofHours(24)));
        assertThat(record.timestamp()).isEqualTo(record.value().getReceivedAt().toEpochMilli());
        assertThat(readyStatus()).isEqualTo(200);
    }

    @Test
    void shouldAnswer503AndNever200WhileTheBrokerIsDownThen200OnceItIsBack() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        String first = UUID.randomUUID().toString();
        sendUntilStored("job-it-2", first);
        acknowledged.add(first);

        KAFKA.stop();
        try {
            Waits.await("readiness to report the broker gone").until(() -> readyStatus() == 503);
            List<CompletableFuture<HttpResponse<String>>> down = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                down.add(http.sendAsync(
                        request("job-it-2", UUID.randomUUID().toString(), "msg_down_" + i),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < down.size(); i++) {
                HttpResponse<String> answer = down.get(i).get(30, TimeUnit.SECONDS);
                assertThat(answer.statusCode())
                        .as("callback %d while the broker is down", i)
                        .isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
            }
        } finally {
            KAFKA.start();
        }

        String after = UUID.randomUUID().toString();
        Waits.await("a callback to be stored again after the broker came back", Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> send("job-it-2", after, "msg_after").statusCode() == 200);
        acknowledged.add(after);
        Waits.await("readiness to report the broker back").until(() -> readyStatus() == 200);

        List<String> storedIds = stored().stream().map(ConsumerRecord::key).toList();
        assertThat(storedIds).as("every acknowledged callback is on the topic").containsAll(acknowledged);
    }
}
