package io.runflowkafka.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunflowClientConfigTest {

    private static final String KEY = "rf_live_0123456789abcdef";

    @Test
    void shouldNeverShowTheKeyInToString() {
        RunflowClientConfig config = RunflowClientConfig.builder().apiKey(KEY).build();

        assertThat(config.toString()).doesNotContain(KEY).contains("apiKey=****");
        try (RunflowClient client = new RunflowClient(config)) {
            assertThat(client.toString()).doesNotContain(KEY);
        }
    }

    @Test
    void shouldUseTheDocumentedDefaults() {
        RunflowClientConfig config = RunflowClientConfig.builder().apiKey(KEY).build();

        assertThat(config.baseUrl()).hasToString("https://api.runflow.io");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.totalTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxConnectionsPerDestination()).isEqualTo(256);
        assertThat(config.maxRequestsQueuedPerDestination()).isEqualTo(4096);
    }

    @Test
    void shouldRefuseAMissingKeyOrABadBaseUrlWithoutEchoingTheKey() {
        assertThatThrownBy(() -> RunflowClientConfig.builder().build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> RunflowClientConfig.builder().apiKey(KEY + "\n").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> RunflowClientConfig.builder()
                        .apiKey(KEY)
                        .baseUrl("ftp://x")
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunflowClientConfig.builder()
                        .apiKey(KEY)
                        .totalTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadFlatPropertiesAndTheKeyFromAFile() throws Exception {
        Path keyFile = Path.of("target", "config-test", "runflow.key");
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, KEY + "\n");

        RunflowClientConfig config = RunflowClientConfig.fromProperties(Map.of(
                "base.url",
                "http://127.0.0.1:8089",
                "api.key.file",
                keyFile.toString(),
                "total.timeout.ms",
                "1500",
                "max.connections",
                "1024"));

        assertThat(config.apiKey()).isEqualTo(KEY);
        assertThat(config.baseUrl()).hasToString("http://127.0.0.1:8089");
        assertThat(config.totalTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.maxConnectionsPerDestination()).isEqualTo(1024);
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
        assertThat(Failures.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Failures.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(Failures.retryAfter("soon")).isNull();
        assertThat(Failures.retryAfter(null)).isNull();
    }

    @Test
    void shouldValidateModelRunRequestsBeforeSending() {
        assertThatThrownBy(() -> ModelRunRequest.builder("openai", "gpt-image-2/edit")
                        .clientRef("x".repeat(256))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
        assertThatThrownBy(() -> ModelRunRequest.builder("open/ai", "x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelRunRequest.builder("openai", "a//b").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ModelRunRequest.builder("openai", "gpt-image-2/edit")
                        .clientRef("x".repeat(255))
                        .build()
                        .model())
                .isEqualTo("openai/gpt-image-2/edit");
    }
}
