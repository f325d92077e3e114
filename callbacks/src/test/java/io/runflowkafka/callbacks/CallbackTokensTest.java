package io.runflowkafka.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CallbackTokensTest {

    private static final String CURRENT = "current-secret-0123456789";
    private static final String PREVIOUS = "previous-secret-0123456789";

    @Test
    void shouldSignAsUnpaddedBase64UrlOfHmacSha256OfTheJobRef() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(CURRENT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.doFinal("order-42".getBytes(StandardCharsets.UTF_8)));

        assertThat(CallbackTokens.of(CURRENT).sign("order-42"))
                .isEqualTo(expected)
                .hasSize(43)
                .doesNotContain("=");
    }

    @Test
    void shouldMatchAKnownVectorSoOtherImplementationsCanCheckThemselves() {
        // Computed independently: printf 'order-42' | openssl dgst -sha256 -hmac current-secret-0123456789 -binary |
        // basenc --base64url | tr -d =
        assertThat(CallbackTokens.of(CURRENT).sign("order-42")).isEqualTo(KnownVector.ORDER_42);
    }

    @Test
    void shouldVerifyTokensOfTheCurrentAndOfPreviousSecrets() {
        CallbackTokens rotated = CallbackTokens.of(CURRENT, PREVIOUS);
        String oldToken = CallbackTokens.of(PREVIOUS).sign("job-1");
        String newToken = CallbackTokens.of(CURRENT).sign("job-1");

        assertThat(rotated.verify("job-1", oldToken)).isTrue();
        assertThat(rotated.verify("job-1", newToken)).isTrue();
        assertThat(rotated.sign("job-1")).isEqualTo(newToken);
        assertThat(CallbackTokens.of(CURRENT).verify("job-1", oldToken)).isFalse();
    }

    @Test
    void shouldRejectATokenOfAnotherJobOrATamperedOrMalformedToken() {
        CallbackTokens tokens = CallbackTokens.of(CURRENT);
        String token = tokens.sign("job-1");
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(tokens.verify("job-2", token)).isFalse();
        assertThat(tokens.verify("job-1", tampered)).isFalse();
        assertThat(tokens.verify("job-1", token + "A")).isFalse();
        assertThat(tokens.verify("job-1", "")).isFalse();
        assertThat(tokens.verify("job-1", null)).isFalse();
        assertThat(tokens.verify(null, token)).isFalse();
    }

    @Test
    void shouldBuildCallbackUrlsWithTheJobRefAsOneEncodedPathSegment() {
        CallbackTokens tokens = CallbackTokens.of(CURRENT);

        assertThat(tokens.callbackUrl("https://hooks.example.com/", "headshots", "order-42"))
                .isEqualTo("https://hooks.example.com/webhooks/runflow/headshots/order-42/" + tokens.sign("order-42"));
        assertThat(tokens.callbackUrl("http://127.0.0.1:8080", "runs", "a/b c"))
                .isEqualTo("http://127.0.0.1:8080/webhooks/runflow/runs/a%2Fb%20c/" + tokens.sign("a/b c"));
    }

    @Test
    void shouldRefuseUnknownKindsShortSecretsAndUnsafeJobRefs() {
        CallbackTokens tokens = CallbackTokens.of(CURRENT);

        assertThatThrownBy(() -> tokens.callbackUrl("https://h", "orders", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.callbackUrl("ftp://h", "runs", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.sign("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CallbackTokens.of("tiny-secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("tiny-secret");
        assertThatThrownBy(() -> CallbackTokens.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNeverShowSecretsInToString() {
        assertThat(CallbackTokens.of(CURRENT, PREVIOUS).toString())
                .doesNotContain(CURRENT)
                .doesNotContain(PREVIOUS)
                .contains("secrets=2");
    }

    /** A vector computed outside Java, so the scheme is pinned, not just self-consistent. */
    private static final class KnownVector {
        static final String ORDER_42 = "102yTcmSTqB9u1SHWDLx_cgAU7vMtwogtz9xZsj2iAE";
    }
}
