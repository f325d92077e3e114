package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void shouldDefaultToTheSafeProductionSettings() {
        SinkSettings settings = SinkConfig.load(Optional.empty(), Map.of()).settings();

        assertThat(settings.urls().allowedHosts()).containsExactly("cdn.runflow.io");
        assertThat(settings.urls().allowPrivateAddresses()).isFalse();
        assertThat(settings.fetch().maxRedirects()).isZero();
        assertThat(settings.fetch().maxBytes()).isEqualTo(25L * 1024 * 1024);
        assertThat(settings.archive()).isEqualTo(new SinkSettings.Filesystem(Path.of("./data/archive"), true, true));
        assertThat(settings.ops().port()).isEqualTo(8091);
        assertThat(settings.loop().dlqTopic()).isEqualTo("headshots.completed.dlq");
    }

    @Test
    void shouldTakeOverridesFromTheEnvironmentAndMaskTheTruststorePassword() throws Exception {
        Path trustStore =
                Files.createDirectories(Path.of("target", "sink-config-test")).resolve("trust.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            empty.store(out, "hunter2".toCharArray());
        }
        SinkConfig config = SinkConfig.load(
                Optional.empty(),
                Map.of(
                        "SINK_URL_ALLOWED_HOSTS", "cdn.runflow.io,localhost",
                        "SINK_DOWNLOAD_CONCURRENCY", "32",
                        "SINK_TLS_TRUSTSTORE", trustStore.toString(),
                        "SINK_TLS_TRUSTSTORE_PASSWORD", "hunter2"));
        SinkSettings settings = config.checkedSettings();

        assertThat(settings.urls().allowedHosts()).isEqualTo(List.of("cdn.runflow.io", "localhost"));
        assertThat(settings.archiving().globalConcurrency()).isEqualTo(32);
        assertThat(settings.fetch().trust().orElseThrow().password()).isEqualTo("hunter2".toCharArray());
        assertThat(config.describe()).doesNotContain("hunter2").contains("sink.tls.truststore-password = [hidden]");
        assertThat(settings.toString()).doesNotContain("hunter2");
    }

    @Test
    void shouldExportNoSpansByDefaultAndRefuseAnOtlpEndpointThatIsNotHttp() {
        assertThat(SinkConfig.load(Optional.empty(), Map.of()).settings().otlpEndpoint())
                .isEmpty();
        assertThat(SinkConfig.load(Optional.empty(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))
                        .settings()
                        .otlpEndpoint())
                .isEqualTo("http://collector:4318");
        assertThatThrownBy(() ->
                        SinkConfig.load(Optional.empty(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("otel.exporter.otlp.endpoint");
    }

    @Test
    void shouldRefuseAnUnknownArchiveBackEnd() {
        assertThatThrownBy(() -> SinkConfig.load(Optional.empty(), Map.of("SINK_ARCHIVE", "ftp")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.archive");
    }

    @Test
    void shouldRequireABucketForTheS3BackEnd() {
        SinkConfig config = SinkConfig.load(Optional.empty(), Map.of("SINK_ARCHIVE", "s3"));

        assertThatThrownBy(config::settings).isInstanceOf(ConfigException.class).hasMessageContaining("sink.s3.bucket");
    }

    @Test
    void shouldRefuseAnAllowlistEntryWithABadPortNamingTheKey() {
        SinkConfig config = SinkConfig.load(Optional.empty(), Map.of("SINK_URL_ALLOWED_HOSTS", "cdn.runflow.io:https"));

        assertThatThrownBy(config::settings)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.url.allowed-hosts")
                .hasMessageContaining("cdn.runflow.io:https");
    }

    @Test
    void shouldRefuseATruststoreThatCannotBeReadNamingTheKey() {
        SinkConfig config = SinkConfig.load(
                Optional.empty(),
                Map.of(
                        "SINK_TLS_TRUSTSTORE",
                        "target/no-such-truststore.p12",
                        "SINK_TLS_TRUSTSTORE_PASSWORD",
                        "hunter2"));

        assertThat(config.settings().fetch().trust())
                .as("settings() reads no file")
                .isPresent();
        assertThatThrownBy(config::checkedSettings)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.tls.truststore")
                .hasMessageNotContaining("hunter2");
    }
}
