package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.common.config.ServiceConfig;
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

    private static ServiceConfig load(Map<String, String> env) {
        return ServiceConfig.load(BridgeConfig.definition(), Optional.empty(), env);
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        BridgeSettings settings = BridgeConfig.settings(load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET)));

        assertThat(settings.port()).isEqualTo(8090);
        assertThat(settings.headshotsTopic()).isEqualTo("headshots.completed");
        assertThat(settings.runsTopic()).isEqualTo("runs.completed");
        assertThat(settings.kafkaTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(settings.urlLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.signatures().enabled()).isFalse();
        assertThat(settings.tokens().secretCount()).isEqualTo(1);
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

        BridgeSettings settings =
                BridgeConfig.settings(ServiceConfig.load(BridgeConfig.definition(), Optional.of(file), env));

        assertThat(settings.kafkaTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.headshotsTopic()).isEqualTo("from-file");
        assertThat(settings.port()).isZero();
        assertThat(settings.signatures().enabled()).isTrue();
    }

    @Test
    void shouldReadSecretsFromFilesAndRotateSeveral() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "config-test"));
        Path secrets = dir.resolve("callback-secrets.txt");
        Files.writeString(secrets, SECRET + ", an-older-secret-still-accepted\n", StandardCharsets.UTF_8);

        BridgeSettings settings =
                BridgeConfig.settings(load(Map.of("BRIDGE_CALLBACK_SECRETS_FILE", secrets.toString())));

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
        ServiceConfig config = load(env);

        String printed = config.describe() + BridgeConfig.settings(config);

        assertThat(printed)
                .doesNotContain(SECRET)
                .doesNotContain(BridgeHarness.SIGNING_SECRET)
                .doesNotContain("pw-123")
                .contains("bridge.callback-secrets");
    }

    @Test
    void shouldRefuseMissingShortOrMalformedSecretsWithoutQuotingThem() {
        assertThatThrownBy(() -> BridgeConfig.settings(load(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.callback-secrets");
        assertThatThrownBy(() -> BridgeConfig.settings(load(Map.of("BRIDGE_CALLBACK_SECRETS", "short-one"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.callback-secrets")
                .hasMessageNotContaining("short-one");
        assertThatThrownBy(() -> BridgeConfig.settings(load(Map.of(
                        "BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_SIGNING_SECRET", "whsec_not-base64!-secret"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.signing-secret")
                .hasMessageNotContaining("not-base64");
    }

    @Test
    void shouldReadDurationsInMillisecondsAndRefuseValuesOutOfRange() {
        assertThat(BridgeConfig.settings(
                                load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_URL_LIFETIME_MS", "3600000")))
                        .urlLifetime())
                .isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> BridgeConfig.settings(
                        load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_KAFKA_TIMEOUT_MS", "soon"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.kafka-timeout-ms");
        assertThatThrownBy(() -> BridgeConfig.settings(
                        load(Map.of("BRIDGE_CALLBACK_SECRETS", SECRET, "BRIDGE_KAFKA_TIMEOUT_MS", "600000"))))
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
        assertThatThrownBy(() -> ServiceConfig.load(
                        BridgeConfig.definition(), Optional.of(file), Map.of("BRIDGE_CALLBACK_SECRETS", SECRET)))
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
