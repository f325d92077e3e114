package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.common.config.ServiceConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkKeysTest {

    @Test
    void shouldDefaultToTheSafeProductionSettings() {
        ServiceConfig config = ServiceConfig.load(SinkKeys.define(), Optional.empty(), Map.of());

        assertThat(config.getList(SinkKeys.ALLOWED_HOSTS)).containsExactly("cdn.runflow.io");
        assertThat(config.getBoolean(SinkKeys.ALLOW_PRIVATE)).isFalse();
        assertThat(config.getInt(SinkKeys.MAX_REDIRECTS)).isZero();
        assertThat(config.getLong(SinkKeys.MAX_IMAGE_BYTES)).isEqualTo(25L * 1024 * 1024);
        assertThat(config.getString(SinkKeys.ARCHIVE)).isEqualTo("filesystem");
        assertThat(config.getString(SinkKeys.ARCHIVE_DIR)).isEqualTo("./data/archive");
        assertThat(config.getInt("http.port")).isEqualTo(8091);
        assertThat(config.getString(SinkKeys.TOPIC_DLQ)).isEqualTo("headshots.completed.dlq");
    }

    @Test
    void shouldTakeOverridesFromTheEnvironmentAndMaskTheTruststorePassword() {
        ServiceConfig config = ServiceConfig.load(
                SinkKeys.define(),
                Optional.empty(),
                Map.of(
                        "SINK_URL_ALLOWED_HOSTS", "cdn.runflow.io,localhost",
                        "SINK_DOWNLOAD_CONCURRENCY", "32",
                        "SINK_TLS_TRUSTSTORE_PASSWORD", "hunter2"));

        assertThat(config.getList(SinkKeys.ALLOWED_HOSTS)).isEqualTo(List.of("cdn.runflow.io", "localhost"));
        assertThat(config.getInt(SinkKeys.DOWNLOAD_CONCURRENCY)).isEqualTo(32);
        assertThat(config.secret(SinkKeys.TLS_TRUSTSTORE_PASSWORD)).isEqualTo("hunter2");
        assertThat(config.describe()).doesNotContain("hunter2").contains("sink.tls.truststore-password = [hidden]");
    }

    @Test
    void shouldRefuseAnUnknownArchiveBackEnd() {
        assertThatThrownBy(() -> ServiceConfig.load(SinkKeys.define(), Optional.empty(), Map.of("SINK_ARCHIVE", "ftp")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.archive");
    }

    @Test
    void shouldRequireABucketForTheS3BackEnd() {
        ServiceConfig config = ServiceConfig.load(SinkKeys.define(), Optional.empty(), Map.of("SINK_ARCHIVE", "s3"));

        assertThatThrownBy(() -> StorageSink.archiveStore(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.s3.bucket");
    }
}
