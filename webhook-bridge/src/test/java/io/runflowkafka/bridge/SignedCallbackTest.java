package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.svix.Webhook;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Standard Webhooks signatures made by Svix's library, an implementation independent of the one the bridge
 * verifies with, so a shared misreading of the spec would show.
 */
class SignedCallbackTest {

    private static final String HEADSHOTS_ID = "0f8e2a8c-4b7d-4c1e-9a3f-5d6e7f809a1b";
    private static final String OTHER_SECRET = "whsec_"
            + Base64.getEncoder()
                    .encodeToString("another-signing-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII));

    private BridgeHarness bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private static Map<String, String> svixHeaders(String secret, String id, long timestamp, String body)
            throws Exception {
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", new Webhook(secret).sign(id, timestamp, body));
        return headers;
    }

    private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        return bridge.post(
                bridge.callbackUrl("headshots", "job-s1"),
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                headers);
    }

    @Test
    void independentSignerReproducesTheSpecificationsExampleSignature() throws Exception {
        // The example of the Standard Webhooks reference tests: secret, id, timestamp, payload -> signature.
        String signature = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void shouldStoreACallbackSignedByAnIndependentImplementationUnderItsWebhookId() throws Exception {
        bridge = BridgeHarness.signed(BridgeHarness.SIGNING_SECRET);
        String body = headshotsBody(HEADSHOTS_ID, 60);

        HttpResponse<String> answer = post(body, svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_2x7Yk1", now(), body));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(bridge.headshots(bridge.producer.history().get(0)).getDeliveryId())
                .isEqualTo("msg_2x7Yk1");
    }

    @Test
    void shouldVerifyTheExactBytesIncludingNonAsciiText() throws Exception {
        bridge = BridgeHarness.signed(BridgeHarness.SIGNING_SECRET);
        String body =
                "{\"event\":\"run.completed\",\"id\":\"run_9\",\"status_code\":\"failed\",\"error\":\"d\u00e9j\u00e0 vu \u2603 \ud83d\ude00\"}";

        HttpResponse<String> answer = bridge.post(
                bridge.callbackUrl("runs", "job-s2"),
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_u1", now(), body));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(bridge.run(bridge.producer.history().get(0)).getRawPayload()).isEqualTo(body);
    }

    @Test
    void shouldAcceptEitherSecretWhileTheSigningSecretIsRotated() throws Exception {
        bridge = BridgeHarness.signed(OTHER_SECRET, BridgeHarness.SIGNING_SECRET);
        String body = headshotsBody(HEADSHOTS_ID, 2);

        assertThat(post(body, svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_a", now(), body))
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(body, svixHeaders(OTHER_SECRET, "msg_b", now(), body)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldAnswer401ToUnsignedTamperedStaleOrForeignSignedCallbacks() throws Exception {
        bridge = BridgeHarness.signed(BridgeHarness.SIGNING_SECRET);
        String body = headshotsBody(HEADSHOTS_ID, 2);
        String tampered = body.replace("out_001", "out_666");
        Map<String, String> stale = svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_old", now() - 6 * 60, body);
        Map<String, String> future = svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_new", now() + 6 * 60, body);
        Map<String, String> foreign = svixHeaders(OTHER_SECRET, "msg_f", now(), body);
        Map<String, String> noId = svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_x", now(), body);
        noId.remove("webhook-id");
        Map<String, String> otherId = svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_x", now(), body);
        otherId.put("webhook-id", "msg_y");

        assertThat(post(body, Map.of()).statusCode()).as("unsigned").isEqualTo(401);
        assertThat(post(tampered, svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_t", now(), body))
                        .statusCode())
                .as("tampered body")
                .isEqualTo(401);
        assertThat(post(body, stale).statusCode()).as("signed 6 minutes ago").isEqualTo(401);
        assertThat(post(body, future).statusCode()).as("signed 6 minutes ahead").isEqualTo(401);
        assertThat(post(body, foreign).statusCode()).as("another secret").isEqualTo(401);
        assertThat(post(body, noId).statusCode()).as("no webhook-id").isEqualTo(401);
        assertThat(post(body, otherId).statusCode()).as("webhook-id swapped").isEqualTo(401);
        assertThat(bridge.producer.history()).isEmpty();
    }

    @Test
    void shouldStillRequireTheUrlTokenWhenTheSignatureIsValid() throws Exception {
        bridge = BridgeHarness.signed(BridgeHarness.SIGNING_SECRET);
        String body = headshotsBody(HEADSHOTS_ID, 2);

        HttpResponse<String> answer = bridge.post(
                bridge.base() + "/webhooks/runflow/headshots/job-s1/" + "A".repeat(43),
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                svixHeaders(BridgeHarness.SIGNING_SECRET, "msg_z", now(), body));

        assertThat(answer.statusCode()).isEqualTo(401);
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }
}
