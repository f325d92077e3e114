package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.RunCompleted;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADSHOTS_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    private BridgeHarness bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void shouldAnswer200OnlyAfterKafkaAcknowledgedTheHeadshotsEvent() throws Exception {
        bridge = BridgeHarness.manual();
        CompletableFuture<HttpResponse<String>> response =
                bridge.postAsync(bridge.callbackUrl("headshots", "job-42"), headshotsBody(HEADSHOTS_ID, 60));

        await("the event to reach the producer")
                .atMost(Duration.ofSeconds(10))
                .until(() -> bridge.producer.history().size() == 1);
        assertThat(response).as("no answer before Kafka acknowledged").isNotDone();

        bridge.producer.completeNext();
        HttpResponse<String> answer = response.get();
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("status").asText()).isEqualTo("stored");

        ProducerRecord<String, byte[]> record = bridge.producer.history().get(0);
        assertThat(record.topic()).isEqualTo(BridgeHarness.HEADSHOTS_TOPIC);
        assertThat(record.key()).isEqualTo(HEADSHOTS_ID);
        assertThat(record.timestamp()).isEqualTo(BridgeHarness.NOW.toEpochMilli());
        HeadshotsCompleted event = bridge.headshots(record);
        assertThat(event.getHeadshotsId()).isEqualTo(HEADSHOTS_ID);
        assertThat(event.getJobRef()).isEqualTo("job-42");
        assertThat(event.getImageUrls())
                .hasSize(60)
                .startsWith("https://cdn.runflow.io/headshots/" + HEADSHOTS_ID + "/out_001.jpg");
        assertThat(event.getReceivedAt()).isEqualTo(BridgeHarness.NOW);
        assertThat(event.getExpiresAt()).isEqualTo(BridgeHarness.NOW.plus(Duration.ofHours(24)));
        assertThat(event.getDeliveryId())
                .startsWith("sha256:")
                .isEqualTo(body.get("delivery_id").asText());
        assertThat(bridge.metrics.count("headshots", BridgeMetrics.Outcome.STORED))
                .isEqualTo(1);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaDoesNotAcknowledgeInTime() throws Exception {
        bridge = BridgeHarness.manual(Duration.ofMillis(300));
        HttpResponse<String> answer =
                bridge.post(bridge.callbackUrl("headshots", "job-1"), headshotsBody(HEADSHOTS_ID, 3));

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("unavailable");
        assertThat(bridge.metrics.count("headshots", BridgeMetrics.Outcome.STORED))
                .isZero();
    }

    @Test
    void shouldAnswer503WhenKafkaRefusesTheWrite() throws Exception {
        bridge = BridgeHarness.manual();
        CompletableFuture<HttpResponse<String>> response =
                bridge.postAsync(bridge.callbackUrl("headshots", "job-1"), headshotsBody(HEADSHOTS_ID, 3));
        await("the event to reach the producer")
                .atMost(Duration.ofSeconds(10))
                .until(() -> bridge.producer.history().size() == 1);

        bridge.producer.errorNext(new NotEnoughReplicasException("only 1 of 3 replicas in sync"));

        assertThat(response.get().statusCode()).isEqualTo(503);
        assertThat(response.get().headers().firstValue("Retry-After")).hasValue("5");
    }

    @Test
    void shouldAnswer503WhenTheEventCannotBeHandedToTheProducer() throws Exception {
        bridge = BridgeHarness.manual();
        bridge.producer.close();

        HttpResponse<String> answer =
                bridge.post(bridge.callbackUrl("headshots", "job-1"), headshotsBody(HEADSHOTS_ID, 3));

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldAnswerTheSame401ForAWrongTokenAnotherJobsTokenAndNoToken() throws Exception {
        bridge = BridgeHarness.autoAck();
        String body = headshotsBody(HEADSHOTS_ID, 2);
        String valid = bridge.callbackUrl("headshots", "job-1");
        String otherJobsToken = bridge.tokens.sign("job-2");
        List<String> urls = List.of(
                valid.substring(0, valid.length() - 3) + "AAA",
                bridge.base() + "/webhooks/runflow/headshots/job-1/" + otherJobsToken,
                bridge.base() + "/webhooks/runflow/headshots/job-1",
                bridge.base() + "/webhooks/runflow/headshots/job-1/",
                bridge.base() + "/webhooks/runflow/other/job-1/" + bridge.tokens.sign("job-1"));

        for (String url : urls) {
            HttpResponse<String> answer = bridge.post(url, body);
            assertThat(answer.statusCode()).as(url).isEqualTo(401);
            assertThat(answer.body())
                    .as(url)
                    .isEqualTo("{\"error\":\"unauthorized\",\"message\":\"callback not authenticated\"}");
        }
        assertThat(bridge.producer.history()).isEmpty();
    }

    @Test
    void shouldAcceptTokensOfAnOlderSecretWhileItIsRotatedOut() throws Exception {
        bridge = BridgeHarness.autoAck();
        String oldToken = CallbackTokens.of(BridgeHarness.OLD_CALLBACK_SECRET).sign("job-7");

        HttpResponse<String> answer = bridge.post(
                bridge.base() + "/webhooks/runflow/headshots/job-7/" + oldToken, headshotsBody(HEADSHOTS_ID, 1));

        assertThat(answer.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldReadJobReferencesThatNeedPercentEncoding() throws Exception {
        bridge = BridgeHarness.autoAck();
        String jobRef = "order 7/job+1 é";

        HttpResponse<String> answer =
                bridge.post(bridge.callbackUrl("headshots", jobRef), headshotsBody(HEADSHOTS_ID, 1));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(bridge.headshots(bridge.producer.history().get(0)).getJobRef())
                .isEqualTo(jobRef);
    }

    @Test
    void shouldAnswer415UnlessTheBodyIsDeclaredUtf8Json() throws Exception {
        bridge = BridgeHarness.autoAck();
        String url = bridge.callbackUrl("headshots", "job-1");
        byte[] body = headshotsBody(HEADSHOTS_ID, 1).getBytes(StandardCharsets.UTF_8);

        for (String type : new String[] {
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=ISO-8859-1",
            "multipart/form-data; boundary=x"
        }) {
            assertThat(bridge.post(url, type, body, Map.of()).statusCode())
                    .as(type)
                    .isEqualTo(415);
        }
        assertThat(bridge.post(url, null, body, Map.of()).statusCode())
                .as("no content type")
                .isEqualTo(415);
        assertThat(bridge.post(url, "application/json; charset=utf-8", body, Map.of())
                        .statusCode())
                .isEqualTo(200);
        assertThat(bridge.post(url, "Application/JSON", body, Map.of()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldAnswer413ForABodyDeclaredOverTheLimit() throws Exception {
        bridge = BridgeHarness.autoAck();
        byte[] big = new byte[1_048_577];

        HttpResponse<String> answer = bridge.postOversized(bridge.callbackUrl("headshots", "job-1"), big);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("body_too_large");
    }

    @Test
    void shouldAnswer413ForAChunkedBodyThatGrowsOverTheLimit() throws Exception {
        bridge = BridgeHarness.autoAck();
        byte[] big = new byte[3 * 1_048_576];
        HttpRequest request = bridge.request(
                bridge.callbackUrl("headshots", "job-1"),
                "application/json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)),
                Map.of());

        HttpResponse<String> answer = bridge.http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(413);
    }

    @Test
    void shouldAcceptABodyOfExactlyTheLimit() throws Exception {
        bridge = BridgeHarness.autoAck();
        String body = headshotsBody(HEADSHOTS_ID, 1);
        // Pad with JSON whitespace up to exactly 1 MiB.
        String padded = body.substring(0, body.length() - 1) + " ".repeat(1_048_576 - body.length()) + "}";

        HttpResponse<String> answer = bridge.post(bridge.callbackUrl("headshots", "job-1"), padded);

        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(1_048_576);
        assertThat(answer.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldName400FieldsOfInvalidHeadshotsBodies() throws Exception {
        bridge = BridgeHarness.autoAck();
        String url = bridge.callbackUrl("headshots", "job-1");
        Map<String, String> cases = Map.ofEntries(
                Map.entry(
                        "{\"headshots_id\":\"" + HEADSHOTS_ID + "\",\"image_urls\":[\"https://a.example/1.jpg\"]}",
                        "event"),
                Map.entry(
                        "{\"event\":\"headshots.failed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[\"https://a.example/1.jpg\"]}",
                        "event"),
                Map.entry(
                        "{\"event\":7,\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[\"https://a.example/1.jpg\"]}",
                        "event"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"1-2-3-4-5\",\"image_urls\":[\"https://a.example/1.jpg\"]}",
                        "headshots_id"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"image_urls\":[\"https://a.example/1.jpg\"]}",
                        "headshots_id"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[]}",
                        "image_urls"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":\"https://a.example/1.jpg\"}",
                        "image_urls"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[\"https://a.example/1.jpg\",\"http://a.example/2.jpg\"]}",
                        "image_urls[1]"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[\"/relative.jpg\"]}",
                        "image_urls[0]"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[\"https://user:pw@a.example/1.jpg\"]}",
                        "image_urls[0]"),
                Map.entry(
                        "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                                + "\",\"image_urls\":[12]}",
                        "image_urls[0]"),
                Map.entry(headshotsBody(HEADSHOTS_ID, 101), "image_urls"),
                Map.entry("[1,2,3]", "body"),
                Map.entry("{\"event\":\"headshots.completed\"", "body"),
                Map.entry("{\"event\":\"headshots.completed\",\"event\":\"headshots.completed\"}", "body"),
                Map.entry("{} trailing", "body"),
                Map.entry("", "body"));

        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> answer = bridge.post(url, c.getKey());
            assertThat(answer.statusCode()).as(c.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(answer.body());
            assertThat(error.get("error").asText()).isEqualTo("invalid_payload");
            assertThat(error.get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(bridge.producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseBodiesThatAreNotUtf8() throws Exception {
        bridge = BridgeHarness.autoAck();
        byte[] latin1 = "{\"event\":\"headshots.completed\",\"x\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<String> answer =
                bridge.post(bridge.callbackUrl("headshots", "job-1"), "application/json", latin1, Map.of());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("field").asText()).isEqualTo("body");
    }

    @Test
    void shouldGiveARepeatedCallbackTheSameKeyAndDeliveryId() throws Exception {
        bridge = BridgeHarness.autoAck();
        String url = bridge.callbackUrl("headshots", "job-1");
        String body = headshotsBody(HEADSHOTS_ID, 60);

        assertThat(bridge.post(url, body).statusCode()).isEqualTo(200);
        assertThat(bridge.post(url, body).statusCode()).isEqualTo(200);

        List<ProducerRecord<String, byte[]>> records = bridge.producer.history();
        assertThat(records).hasSize(2);
        assertThat(records.get(1).key()).isEqualTo(records.get(0).key());
        assertThat(bridge.headshots(records.get(1)).getDeliveryId())
                .isEqualTo(bridge.headshots(records.get(0)).getDeliveryId());
        assertThat(bridge.headshots(records.get(0)).getDeliveryId())
                .as("another job's identical body is another delivery")
                .isNotEqualTo(CallbackHandler.derivedDeliveryId("job-2", body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldStoreARunCallbackWithItsRawPayloadAndReadableFields() throws Exception {
        bridge = BridgeHarness.autoAck();
        String body = "{\"event\":\"run.completed\",\"id\":\"run_01HX9\",\"model\":\"openai/gpt-image-2/edit\","
                + "\"status_code\":\"succeeded\",\"client_ref\":\"order-9\",\"output\":{\"image_urls\":[\"https://x.example/1.png\"]},"
                + "\"metadata\":{\"k\":\"v\"}}";

        HttpResponse<String> answer = bridge.post(bridge.callbackUrl("runs", "job-r1"), body);

        assertThat(answer.statusCode()).isEqualTo(200);
        ProducerRecord<String, byte[]> record = bridge.producer.history().get(0);
        assertThat(record.topic()).isEqualTo(BridgeHarness.RUNS_TOPIC);
        assertThat(record.key()).isEqualTo("run_01HX9");
        RunCompleted run = bridge.run(record);
        assertThat(run.getRunId()).isEqualTo("run_01HX9");
        assertThat(run.getJobRef()).isEqualTo("job-r1");
        assertThat(run.getStatusCode()).isEqualTo("succeeded");
        assertThat(run.getModel()).isEqualTo("openai/gpt-image-2/edit");
        assertThat(run.getClientRef()).isEqualTo("order-9");
        assertThat(JSON.readTree(run.getOutputJson()))
                .isEqualTo(JSON.readTree("{\"image_urls\":[\"https://x.example/1.png\"]}"));
        assertThat(run.getError()).isNull();
        assertThat(run.getRawPayload()).isEqualTo(body);
        assertThat(run.getReceivedAt()).isEqualTo(BridgeHarness.NOW);
    }

    @Test
    void shouldRefuseRunCallbacksWithoutStatusOrOfAnotherEventType() throws Exception {
        bridge = BridgeHarness.autoAck();
        String url = bridge.callbackUrl("runs", "job-r1");

        HttpResponse<String> noStatus = bridge.post(url, "{\"id\":\"run_1\"}");
        HttpResponse<String> headshotsEvent = bridge.post(url, headshotsBody(HEADSHOTS_ID, 1));

        assertThat(noStatus.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noStatus.body()).get("field").asText()).isEqualTo("status_code");
        assertThat(headshotsEvent.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(headshotsEvent.body()).get("field").asText()).isEqualTo("event");
    }

    @Test
    void shouldAnswer405ToOtherMethodsAndServeHealthAndMetrics() throws Exception {
        bridge = BridgeHarness.autoAck();
        bridge.post(bridge.callbackUrl("headshots", "job-1"), headshotsBody(HEADSHOTS_ID, 1));

        HttpResponse<String> get = bridge.http.send(
                HttpRequest.newBuilder(URI.create(bridge.callbackUrl("headshots", "job-1")))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(bridge.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(bridge.get("/health/ready").statusCode()).isEqualTo(200);
        bridge.health.down("kafka", "broker gone");
        assertThat(bridge.get("/health/ready").statusCode()).isEqualTo(503);
        String metrics = bridge.get("/metrics").body();
        assertThat(metrics)
                .contains("bridge_requests_seconds_count{kind=\"headshots\",outcome=\"stored\"} 1")
                .contains("bridge_requests_seconds_bucket{kind=\"headshots\",outcome=\"stored\"")
                .contains("bridge_kafka_produce_seconds_count{result=\"acked\",topic=\"headshots.completed\"} 1");
    }
}
