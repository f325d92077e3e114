package io.runflowkafka.sink;

import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.config.ServiceConfigView;
import io.runflowkafka.common.tls.TlsTrust;
import io.runflowkafka.sink.archive.S3ArchiveStore;
import io.runflowkafka.sink.fetch.ImageFetcher;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The storage sink's configuration: its keys beside the common ones ({@link SinkKeys}, the {@link ConfigDef} where
 * every default lives), loaded from a properties file and the environment, and read into {@link SinkSettings}. No
 * other class reads a configuration key.
 */
public final class SinkConfig extends ServiceConfigView {

    /** Longest wait of one poll while no event is in flight; not worth a key. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private SinkConfig(ServiceConfig config) {
        super(config);
    }

    /** The common keys plus the sink's own, each overridable by an environment variable. */
    public static ConfigDef definition() {
        return SinkKeys.define();
    }

    /**
     * Loads the configuration: defaults, then {@code file}, then {@code environment}.
     *
     * @throws ConfigException naming the key when a value is missing or invalid
     */
    public static SinkConfig load(Optional<Path> file, Map<String, String> environment) {
        return new SinkConfig(ServiceConfig.load(definition(), file, environment));
    }

    /** Loads the configuration from {@code file}, if any, and the process environment. */
    public static SinkConfig load(Optional<Path> file) {
        return load(file, System.getenv());
    }

    /**
     * The sink's settings.
     *
     * @throws ConfigException naming the key when settings do not fit together (an S3 archive without a bucket) or
     *     the transactional id cannot be derived
     */
    public SinkSettings settings() {
        String groupId = config.getString(SinkKeys.GROUP_ID);
        int concurrency = config.getInt(SinkKeys.DOWNLOAD_CONCURRENCY);
        return new SinkSettings(
                new SinkSettings.Ops(config.getString(CommonKeys.HTTP_HOST), config.getInt(CommonKeys.HTTP_PORT)),
                groupId,
                transactionalId(groupId),
                new ArchiveLoop.Settings(
                        config.getString(SinkKeys.TOPIC_COMPLETED),
                        config.getString(SinkKeys.TOPIC_ARCHIVED),
                        config.getString(SinkKeys.TOPIC_DLQ),
                        POLL_TIMEOUT,
                        config.millis(SinkKeys.COMMIT_INTERVAL_MS),
                        config.millis(SinkKeys.RETRY_BACKOFF_MS),
                        config.millis(SinkKeys.RETRY_MAX_BACKOFF_MS),
                        config.getInt(SinkKeys.MAX_EVENTS_IN_FLIGHT)),
                archive(),
                urls(),
                new ImageFetcher.Settings(
                        config.millis(SinkKeys.DOWNLOAD_CONNECT_TIMEOUT_MS),
                        config.millis(SinkKeys.DOWNLOAD_TIMEOUT_MS),
                        config.getLong(SinkKeys.MAX_IMAGE_BYTES),
                        config.getInt(SinkKeys.MAX_REDIRECTS),
                        concurrency,
                        trust()),
                new EventArchiver.Settings(
                        concurrency,
                        config.getInt(SinkKeys.DOWNLOAD_PER_EVENT),
                        config.getInt(SinkKeys.DOWNLOAD_ATTEMPTS),
                        config.millis(SinkKeys.DOWNLOAD_BACKOFF_MS),
                        config.getInt(SinkKeys.MAX_IMAGES)),
                config.topicCreation(),
                config.otlpEndpoint());
    }

    /**
     * The settings, with the files they name read once: what the sink starts with. {@link #settings()} alone reads
     * no file, so a deployment's configuration can be checked on another machine.
     *
     * @throws ConfigException naming the key when the truststore cannot be loaded
     */
    SinkSettings checkedSettings() {
        SinkSettings settings = settings();
        settings.fetch().trust().ifPresent(trust -> {
            try {
                trust.load();
            } catch (IllegalArgumentException e) {
                // TlsTrust's message names the file and the failure, never the password.
                throw new ConfigException(SinkKeys.TLS_TRUSTSTORE + ": " + e.getMessage());
            }
        });
        return settings;
    }

    private SinkSettings.Archive archive() {
        if (config.getString(SinkKeys.ARCHIVE).equals("s3")) {
            String bucket = config.getString(SinkKeys.S3_BUCKET);
            if (bucket.isBlank()) {
                throw new ConfigException(SinkKeys.S3_BUCKET, bucket, "a bucket is required when sink.archive=s3");
            }
            String endpoint = config.getString(SinkKeys.S3_ENDPOINT);
            return new SinkSettings.S3(new S3ArchiveStore.Settings(
                    bucket,
                    config.getString(SinkKeys.S3_PREFIX),
                    endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint)),
                    config.getBoolean(SinkKeys.S3_PATH_STYLE),
                    config.getString(SinkKeys.S3_REGION),
                    config.getBoolean(SinkKeys.S3_CHECKSUM_SHA256)));
        }
        return new SinkSettings.Filesystem(
                Path.of(config.getString(SinkKeys.ARCHIVE_DIR)),
                config.getBoolean(SinkKeys.ARCHIVE_FSYNC),
                config.getBoolean(SinkKeys.ARCHIVE_DIRECT_IO));
    }

    private Optional<TlsTrust> trust() {
        String path = config.getString(SinkKeys.TLS_TRUSTSTORE);
        if (path.isBlank()) {
            return Optional.empty();
        }
        String password = config.secret(SinkKeys.TLS_TRUSTSTORE_PASSWORD);
        return Optional.of(new TlsTrust(Path.of(path), password == null ? new char[0] : password.toCharArray()));
    }

    private String transactionalId(String groupId) {
        String configured = config.getString(SinkKeys.TRANSACTIONAL_ID);
        if (!configured.isBlank()) {
            return configured;
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new ConfigException(
                        SinkKeys.TRANSACTIONAL_ID, "", "cannot derive one from the host name; set it");
            }
        }
        return groupId + "-" + host;
    }

    private SinkSettings.Urls urls() {
        SinkSettings.Urls urls = new SinkSettings.Urls(
                config.getList(SinkKeys.ALLOWED_HOSTS), config.getBoolean(SinkKeys.ALLOW_PRIVATE));
        try {
            urls.policy();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SinkKeys.ALLOWED_HOSTS + ": " + e.getMessage());
        }
        return urls;
    }
}
