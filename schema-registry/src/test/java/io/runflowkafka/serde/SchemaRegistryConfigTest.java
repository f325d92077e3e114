package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

    private static final String SECRET = "hunter2-secret";

    @Test
    void shouldApplyConfluentDefaults() {
        SchemaRegistryConfig config = new SchemaRegistryConfig(Map.of("schema.registry.url", "http://registry:8081"));

        assertThat(config.urls()).containsExactly("http://registry:8081");
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.specificAvroReader()).isFalse();
        assertThat(config.credentialsSource()).isEqualTo("URL");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.latestCacheTtl()).isEmpty();
        assertThat(config.mockScope()).isEmpty();
    }

    @Test
    void shouldParseStringValuesAndSeveralUrls() {
        Map<String, Object> values = new HashMap<>();
        values.put("schema.registry.url", "http://a:8081, https://b:8081/prefix");
        values.put("auto.register.schemas", "false");
        values.put("use.latest.version", "true");
        values.put("specific.avro.reader", "true");
        values.put("http.connect.timeout.ms", "250");
        values.put("http.read.timeout.ms", "750");
        values.put("latest.cache.ttl.sec", "60");
        values.put("bootstrap.servers", "ignored:9092");

        SchemaRegistryConfig config = new SchemaRegistryConfig(values);

        assertThat(config.urls()).containsExactly("http://a:8081", "https://b:8081/prefix");
        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.specificAvroReader()).isTrue();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.latestCacheTtl()).contains(Duration.ofSeconds(60));
    }

    @Test
    void shouldRequireARegistryUrl() {
        assertThatThrownBy(() -> new SchemaRegistryConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldAcceptExactlyOneMockUrl() {
        assertThat(new SchemaRegistryConfig(Map.of("schema.registry.url", "mock://my-scope")).mockScope())
                .contains("my-scope");
        assertThatThrownBy(() -> new SchemaRegistryConfig(Map.of("schema.registry.url", "mock://a,http://b:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only one mock:// URL");
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> new SchemaRegistryConfig(Map.of("schema.registry.url", "http://ok:1,registry:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("entry 2 of schema.registry.url");
    }

    @Test
    void shouldRequireUserInfoWhenTheSourceIsUserInfo() {
        assertThatThrownBy(() -> new SchemaRegistryConfig(
                        Map.of("schema.registry.url", "http://r:8081", "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info is not set");
    }

    @Test
    void shouldRefuseMalformedUserInfoWithoutRepeatingIt() {
        assertThatThrownBy(() -> new SchemaRegistryConfig(Map.of(
                        "schema.registry.url",
                        "http://r:8081",
                        "basic.auth.credentials.source",
                        "USER_INFO",
                        "basic.auth.user.info",
                        SECRET)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("user:password")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void shouldHonourTheOlderUserInfoKey() {
        SchemaRegistryConfig config = new SchemaRegistryConfig(Map.of(
                "schema.registry.url",
                "http://r:8081",
                "basic.auth.credentials.source",
                "user_info",
                "schema.registry.basic.auth.user.info",
                "u:" + SECRET));

        assertThat(config.userInfo()).contains("u:" + SECRET);
    }

    @Test
    void shouldRefuseSubjectNameStrategiesOtherThanTopicName() {
        assertThatThrownBy(() -> new SchemaRegistryConfig(Map.of(
                        "schema.registry.url",
                        "http://r:8081",
                        "value.subject.name.strategy",
                        "io.confluent.kafka.serializers.subject.RecordNameStrategy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TopicNameStrategy only");
        assertThat(new SchemaRegistryConfig(Map.of(
                                "schema.registry.url",
                                "http://r:8081",
                                "key.subject.name.strategy",
                                "io.confluent.kafka.serializers.subject.TopicNameStrategy"))
                        .urls())
                .hasSize(1);
    }

    @Test
    void shouldNeverShowCredentialsInToString() {
        SchemaRegistryConfig config = new SchemaRegistryConfig(Map.of(
                "schema.registry.url", "https://dave:" + SECRET + "@registry:8081,https://registry2:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "erin:" + SECRET));

        assertThat(config.toString())
                .doesNotContain(SECRET)
                .doesNotContain("dave")
                .contains("https://registry:8081", "https://registry2:8081", "userInfo=[hidden]");
        assertThat(List.of(SchemaRegistryConfig.redact("http://x:" + SECRET + "@h:1/p")))
                .containsExactly("http://h:1/p");
    }
}
