package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private static final String SECRET = "a-callback-secret-of-enough-bytes";

    private static BridgeConfig load(Map<String, String> env) {
        return BridgeConfig.load(Optional.empty(), env);
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        BridgeSettings settings =
                load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET)).settings();

        assertThat(settings.server().port()).isEqualTo(8090);
        assertThat(settings.headshotsTopic()).isEqualTo("headshots.completed");
        assertThat(settings.runsTopic()).isEqualTo("runs.completed");
        assertThat(settings.limits().kafkaTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.limits().retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.limits().maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(settings.urlLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.signatures().enabled()).isFalse();
        assertThat(settings.tokens().secretCount()).isEqualTo(1);
    }

    @Test
    void shouldExportNoSpansByDefaultAndRefuseAnOtlpEndpointThatIsNotHttp() {
        assertThat(load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET)).settings().otlpEndpoint())
                .isEmpty();
        assertThat(load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "OTEL_EXPORTER_OTLP_ENDPOINT", "https://c:4318"))
                        .settings()
                        .otlpEndpoint())
                .isEqualTo("https://c:4318");
        assertThatThrownBy(
                        () -> load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "OTEL_EXPORTER_OTLP_ENDPOINT", "file:/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("otel.exporter.otlp.endpoint");
    }

    @Test
    void shouldTakeEnvironmentVariablesOverTheFile() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "config-test"));
        Path file = dir.resolve("bridge.properties");
        Files.writeString(
                file,
                "bridge.kafka-timeout-ms=9000\nbridge.topic.headshots-completed=from-file\n"
                        + "bridge.callback-secrets=" + SECRET + "\n",
                StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(
                "BRIDGE_KAFKA_TIMEOUT_MS",
                "750",
                "HTTP_PORT",
                "0",
                "BRIDGE_SIGNING_SECRET",
                BridgeHarness.SIGNING_SECRET);

        BridgeSettings settings = BridgeConfig.load(Optional.of(file), env).settings();

        assertThat(settings.limits().kafkaTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.headshotsTopic()).isEqualTo("from-file");
        assertThat(settings.server().port()).isZero();
        assertThat(settings.signatures().enabled()).isTrue();
    }

    @Test
    void shouldReadSecretsFromFilesAndRotateSeveral() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "config-test"));
        Path secrets = dir.resolve("callback-secrets.txt");
        Files.writeString(secrets, SECRET + ", an-older-secret-still-accepted\n", StandardCharsets.UTF_8);

        BridgeSettings settings =
                load(Map.of("BRIDGE_CALLBACK_SECRETS_FILE", secrets.toString())).settings();

        assertThat(settings.tokens().secretCount()).isEqualTo(2);
    }

    @Test
    void shouldNeverPrintSecrets() {
        Map<String, String> env = new HashMap<>();
        env.put("BRIDGE_CALLBACK_SECRETS", SECRET);
        env.put("BRIDGE_SIGNING_SECRET", BridgeHarness.SIGNING_SECRET);
        env.put(
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"pw-123\";");
        BridgeConfig config = load(env);

        String printed = config.describe() + config.settings();

        assertThat(printed)
                .doesNotContain(SECRET)
                .doesNotContain(BridgeHarness.SIGNING_SECRET)
                .doesNotContain("pw-123")
                .contains("bridge.callback-secrets");
    }

    @Test
    void shouldRefuseMissingShortOrMalformedSecretsWithoutQuotingThem() {
        assertThatThrownBy(() -> load(Map.of()).settings())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.callback-secrets");
        assertThatThrownBy(() ->
                        load(Map.of("BRIDGE_CALLBACK_SECRETS", "short-one")).settings())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.callback-secrets")
                .hasMessageNotContaining("short-one");
        assertThatThrownBy(() -> load(Map.of(
                                "BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_SIGNING_SECRET", "whsec_not-base64!-secret"))
                        .settings())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.signing-secret")
                .hasMessageNotContaining("not-base64");
    }

    @Test
    void shouldReadDurationsInMillisecondsAndRefuseValuesOutOfRange() {
        assertThat(load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_URL_LIFETIME_MS", "3600000"))
                        .settings()
                        .urlLifetime())
                .isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_KAFKA_TIMEOUT_MS", "soon"))
                        .settings())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.kafka-timeout-ms");
        assertThatThrownBy(() -> load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_KAFKA_TIMEOUT_MS", "600000"))
                        .settings())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.kafka-timeout-ms");
    }

    @Test
    void shouldRefuseADurationKeyByItsOldNameAndNameTheNewOne() throws Exception {
        assertThatThrownBy(() -> load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_KAFKA_TIMEOUT", "5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.kafka-timeout")
                .hasMessageContaining("was renamed bridge.kafka-timeout-ms (milliseconds)");
        Path file = Files.createDirectories(Path.of("target", "config-test")).resolve("old-names.properties");
        Files.writeString(file, "bridge.shutdown-timeout=15s\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BridgeConfig.load(Optional.of(file), Map.of("BRIDGE_CALLBACK_SECRETS", SECRET)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("was renamed bridge.shutdown-timeout-ms");
    }

    @Test
    void shouldForceAcksAllAndIdempotenceAndBoundBlockingSends() {
        Map<String, Object> properties = KafkaEventPublisher.producerProperties(
                Map.of("bootstrap.servers", "k:9092", "linger.ms", "20"), Duration.ofSeconds(3));

        assertThat(properties)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000L)
                .containsEntry("linger.ms", "20");
        assertThatThrownBy(() -> KafkaEventPublisher.producerProperties(Map.of("acks", "1"), Duration.ofSeconds(3)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.acks");
        assertThatThrownBy(() -> KafkaEventPublisher.producerProperties(
                        Map.of("enable.idempotence", "false"), Duration.ofSeconds(3)))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldBatchHeadshotsEventsByDefaultButLetTheUserChooseTheBatching() {
        Map<String, Object> defaults =
                KafkaEventPublisher.producerProperties(Map.of("bootstrap.servers", "k:9092"), Duration.ofSeconds(3));
        Map<String, Object> chosen = KafkaEventPublisher.producerProperties(
                Map.of("bootstrap.servers", "k:9092", "batch.size", "16384", "linger.ms", "5"), Duration.ofSeconds(3));

        assertThat(defaults)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, KafkaEventPublisher.DEFAULT_BATCH_SIZE)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, KafkaEventPublisher.DEFAULT_LINGER_MS)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        assertThat(chosen)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "16384")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "5");
    }
}
