package io.runflowkafka.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.common.kafka.TopicCreation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

    private static final Path DIR = Path.of("target", "config-test");

    private static ConfigDef definition() {
        return CommonKeys.define(8080)
                .define("processor.max-in-flight", Type.INT, 64, Importance.HIGH, "cap")
                .define("runflow.api-key", Type.PASSWORD, null, Importance.HIGH, "key");
    }

    @Test
    void shouldTakeDefaultsThenFileThenEnvironment() throws IOException {
        Path file = write("layers.properties", "processor.max-in-flight=128\nhttp.port=9000\n");

        ServiceConfig config =
                ServiceConfig.load(definition(), Optional.of(file), Map.of("PROCESSOR_MAX_IN_FLIGHT", "256"));

        assertThat(config.getInt("processor.max-in-flight")).isEqualTo(256);
        assertThat(config.getInt("http.port")).isEqualTo(9000);
        assertThat(config.getString("schema.registry.url")).isEqualTo("http://localhost:8081");
    }

    @Test
    void shouldReadTheCommonTopicKeysIntoOneTopicCreation() {
        ServiceConfig defaults = ServiceConfig.load(definition(), Optional.empty(), Map.of());
        ServiceConfig chosen = ServiceConfig.load(
                definition(),
                Optional.empty(),
                Map.of("TOPICS_CREATE", "false", "TOPICS_PARTITIONS", "12", "TOPICS_REPLICATION_FACTOR", "3"));

        assertThat(chosen.topicCreation()).isEqualTo(new TopicCreation(false, 12, (short) 3));
        assertThat(defaults.topicCreation().enabled()).isTrue();
    }

    @Test
    void shouldPassKafkaClientPropertiesThroughFromFileAndEnvironment() throws IOException {
        Path file = write("kafka.properties", "kafka.security.protocol=SASL_SSL\n");

        ServiceConfig config = ServiceConfig.load(
                definition(),
                Optional.of(file),
                Map.of("KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_BOOTSTRAP_SERVERS", "broker:9093"));

        assertThat(config.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("bootstrap.servers", "broker:9093");
    }

    @Test
    void shouldUseTheDefaultBootstrapServersWhenNoneGiven() {
        ServiceConfig config = ServiceConfig.load(definition(), Optional.empty(), Map.of());

        assertThat(config.kafkaProperties()).containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void shouldMaskEverySecretWhenDescribed() throws IOException {
        Path file = write("secrets.properties", """
                runflow.api-key=rk_live_123456
                kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password="pw-789";
                basic.auth.user.info=user:registry-pass
                """);

        String described =
                ServiceConfig.load(definition(), Optional.of(file), Map.of()).describe();

        assertThat(described)
                .doesNotContain("rk_live_123456", "pw-789", "registry-pass")
                .contains(
                        "runflow.api-key = [hidden]",
                        "kafka.sasl.jaas.config = [hidden]",
                        "processor.max-in-flight = 64");
    }

    @Test
    void shouldReadASecretFromTheFileNamedByTheEnvironment() throws IOException {
        Path secret = write("api-key.txt", "rk_from_file\n");

        ServiceConfig config =
                ServiceConfig.load(definition(), Optional.empty(), Map.of("RUNFLOW_API_KEY_FILE", secret.toString()));

        assertThat(config.secret("runflow.api-key")).isEqualTo("rk_from_file");
        assertThat(config.toString()).doesNotContain("rk_from_file");
    }

    @Test
    void shouldGiveTheRegistryItsOwnKeysWithSecretsInClear() throws IOException {
        Path file = write("registry.properties", "basic.auth.user.info=user:pw\nschema.registry.url=mock://x\n");

        Map<String, Object> registry =
                ServiceConfig.load(definition(), Optional.of(file), Map.of()).schemaRegistryProperties();

        assertThat(registry)
                .containsEntry("basic.auth.user.info", "user:pw")
                .containsEntry("schema.registry.url", "mock://x")
                .containsEntry("auto.register.schemas", true)
                .doesNotContainKey("http.port");
    }

    @Test
    void shouldNameTheKeyOfAnInvalidValue() {
        assertThatThrownBy(() ->
                        ServiceConfig.load(definition(), Optional.empty(), Map.of("PROCESSOR_MAX_IN_FLIGHT", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("processor.max-in-flight");
    }

    @Test
    void shouldMapKeysToEnvironmentNames() {
        assertThat(ServiceConfig.environmentName("storage.s3.path-style")).isEqualTo("STORAGE_S3_PATH_STYLE");
    }

    private static Path write(String name, String content) throws IOException {
        Files.createDirectories(DIR);
        return Files.writeString(DIR.resolve(name), content);
    }
}
