package io.runflowkafka.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CallbackTraceTokensTest {

    private static final String CURRENT = "current-secret-0123456789";
    private static final String PREVIOUS = "previous-secret-0123456789";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldSignTheTraceContextWithTheJobRefInTheQuery() throws Exception {
        CallbackTokens tokens = CallbackTokens.of(CURRENT);

        URI url = URI.create(tokens.callbackUrl("https://hooks.example.com", "headshots", "job-1", TRACEPARENT));

        assertThat(url.getPath()).isEqualTo("/webhooks/runflow/headshots/job-1/" + tokens.sign("job-1"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(CURRENT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.doFinal(("traceparent\njob-1\n" + TRACEPARENT).getBytes(StandardCharsets.UTF_8)));
        assertThat(url.getQuery()).isEqualTo("traceparent=" + TRACEPARENT + "&trace_token=" + expected);
        assertThat(tokens.verifyTrace("job-1", TRACEPARENT, expected)).isTrue();
    }

    @Test
    void shouldRefuseATraceSignedForAnotherJobOrAlteredOrUnsigned() {
        CallbackTokens tokens = CallbackTokens.of(CURRENT, PREVIOUS);
        String token = query(tokens.callbackUrl("http://h", "headshots", "job-1", TRACEPARENT), "trace_token");
        String other = "00-4bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b7-01";

        assertThat(tokens.verifyTrace("job-2", TRACEPARENT, token)).isFalse();
        assertThat(tokens.verifyTrace("job-1", other, token)).isFalse();
        assertThat(tokens.verifyTrace("job-1", TRACEPARENT, null)).isFalse();
        assertThat(tokens.verifyTrace("job-1", TRACEPARENT, tokens.sign("job-1")))
                .as("the path token is not a trace token")
                .isFalse();
        assertThat(CallbackTokens.of(PREVIOUS).verifyTrace("job-1", TRACEPARENT, token))
                .as("a secret that did not sign it")
                .isFalse();
        String byPrevious = query(
                CallbackTokens.of(PREVIOUS).callbackUrl("http://h", "headshots", "job-1", TRACEPARENT), "trace_token");
        assertThat(tokens.verifyTrace("job-1", TRACEPARENT, byPrevious))
                .as("rotation")
                .isTrue();
    }

    @Test
    void shouldLeaveTheQueryOutForAMissingOrMalformedTraceparent() {
        CallbackTokens tokens = CallbackTokens.of(CURRENT);
        String plain = tokens.callbackUrl("http://h", "headshots", "job-1");

        assertThat(tokens.callbackUrl("http://h", "headshots", "job-1", null)).isEqualTo(plain);
        assertThat(tokens.callbackUrl("http://h", "headshots", "job-1", "00-x&evil=1"))
                .isEqualTo(plain);
        assertThat(tokens.callbackUrl("http://h", "headshots", "job-1", TRACEPARENT.toUpperCase()))
                .isEqualTo(plain);
        assertThat(CallbackTokens.isTraceparent(TRACEPARENT)).isTrue();
        assertThat(CallbackTokens.isTraceparent(TRACEPARENT.replace('-', '_'))).isFalse();
    }

    private static String query(String url, String name) {
        for (String pair : URI.create(url).getQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + url);
    }
}
