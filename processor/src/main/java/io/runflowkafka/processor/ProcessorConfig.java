package io.runflowkafka.processor;

import static io.runflowkafka.processor.ProcessorKeys.APPLICATION_ID;
import static io.runflowkafka.processor.ProcessorKeys.APPLICATION_SERVER;
import static io.runflowkafka.processor.ProcessorKeys.BRIDGE_PUBLIC_URL;
import static io.runflowkafka.processor.ProcessorKeys.CALLBACK_SECRET;
import static io.runflowkafka.processor.ProcessorKeys.CALLBACK_TRACE_CONTEXT;
import static io.runflowkafka.processor.ProcessorKeys.DEFINITION;
import static io.runflowkafka.processor.ProcessorKeys.DRAIN_INTERVAL_MS;
import static io.runflowkafka.processor.ProcessorKeys.FILE_URIS;
import static io.runflowkafka.processor.ProcessorKeys.GIVE_UP_AFTER_MS;
import static io.runflowkafka.processor.ProcessorKeys.GUARANTEE;
import static io.runflowkafka.processor.ProcessorKeys.MAX_IMAGE_BYTES;
import static io.runflowkafka.processor.ProcessorKeys.MAX_IN_FLIGHT;
import static io.runflowkafka.processor.ProcessorKeys.ORDERED;
import static io.runflowkafka.processor.ProcessorKeys.ORDERS_ENABLED;
import static io.runflowkafka.processor.ProcessorKeys.ORDERS_IDLE_TIMEOUT_MS;
import static io.runflowkafka.processor.ProcessorKeys.ORDERS_MIN_PHOTOS;
import static io.runflowkafka.processor.ProcessorKeys.ORDERS_PHOTOS_PER_JOB;
import static io.runflowkafka.processor.ProcessorKeys.RATE_LIMIT;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_API_KEY;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_BASE_URL;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_CONNECT_TIMEOUT_MS;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_REQUEST_TIMEOUT_MS;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_TOTAL_TIMEOUT_MS;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_TRUSTSTORE;
import static io.runflowkafka.processor.ProcessorKeys.RUNFLOW_TRUSTSTORE_PASSWORD;
import static io.runflowkafka.processor.ProcessorKeys.S3_ENDPOINT;
import static io.runflowkafka.processor.ProcessorKeys.S3_PATH_STYLE;
import static io.runflowkafka.processor.ProcessorKeys.S3_REGION;
import static io.runflowkafka.processor.ProcessorKeys.SHUTDOWN_TIMEOUT_MS;
import static io.runflowkafka.processor.ProcessorKeys.STATE_DIR;
import static io.runflowkafka.processor.ProcessorKeys.STREAM_THREADS;
import static io.runflowkafka.processor.ProcessorKeys.THRESHOLD;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_ACCEPTED;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_ARCHIVED;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_COMPLETED;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_COMPLETED_DLQ;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_JOBS;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_JOBS_DLQ;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_RETAKE;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_UPLOADED;
import static io.runflowkafka.processor.ProcessorKeys.TOPIC_UPLOADED_DLQ;

import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.config.ServiceConfigView;
import io.runflowkafka.common.kafka.TopicCreation;
import io.runflowkafka.common.tls.TlsTrust;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.processor.gate.GateSettings;
import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.processor.orders.OrderSettings;
import io.runflowkafka.processor.orders.OrderTopics;
import io.runflowkafka.processor.status.StatusTopics;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The processor's configuration, read once from defaults, a properties file and the environment (keys and defaults
 * in {@link ProcessorKeys}), and handed out only as settings records: nothing else reads a key. A setting the
 * processor cannot run with fails, naming its key, when it is asked for.
 */
public final class ProcessorConfig extends ServiceConfigView {

    private ProcessorConfig(ServiceConfig config) {
        super(config);
    }

    /** Loads the configuration from an optional file and the environment. */
    public static ProcessorConfig load(Optional<Path> file, Map<String, String> environment) {
        return new ProcessorConfig(ServiceConfig.load(DEFINITION, file, environment));
    }

    /** Every key at its default (no file, no environment): what tests build default settings from. */
    public static ProcessorConfig defaults() {
        return load(Optional.empty(), Map.of());
    }

    HttpSettings http() {
        return new HttpSettings(config.getString(CommonKeys.HTTP_HOST), config.getInt(CommonKeys.HTTP_PORT));
    }

    TopicCreation topicCreation() {
        return config.topicCreation();
    }

    StreamsSettings streams() {
        return new StreamsSettings(
                config.getString(APPLICATION_ID),
                config.getString(GUARANTEE),
                config.getInt(STREAM_THREADS),
                config.getString(STATE_DIR),
                applicationServer(),
                topicCreation().replication());
    }

    S3Settings s3() {
        return new S3Settings(
                config.getString(S3_ENDPOINT), config.getString(S3_REGION), config.getBoolean(S3_PATH_STYLE));
    }

    /**
     * The Runflow client's settings, its connection pool sized for {@code processor.max-in-flight}; a configured
     * truststore is read here.
     */
    RunflowClientConfig runflowClient() {
        String apiKey = config.secret(RUNFLOW_API_KEY);
        if (apiKey == null || apiKey.isBlank()) {
            throw new ConfigException(
                    RUNFLOW_API_KEY + " is required (or " + ServiceConfig.environmentName(RUNFLOW_API_KEY) + "_FILE)");
        }
        int maxInFlight = maxInFlight();
        var builder = RunflowClientConfig.builder()
                .baseUrl(config.getString(RUNFLOW_BASE_URL))
                .apiKey(apiKey)
                .connectTimeout(Duration.ofMillis(config.getLong(RUNFLOW_CONNECT_TIMEOUT_MS)))
                .requestTimeout(Duration.ofMillis(config.getLong(RUNFLOW_REQUEST_TIMEOUT_MS)))
                .totalTimeout(Duration.ofMillis(config.getLong(RUNFLOW_TOTAL_TIMEOUT_MS)))
                .maxConnectionsPerDestination(maxInFlight)
                .maxRequestsQueuedPerDestination(Math.max(1024, maxInFlight * 2));
        String trustStore = config.getString(RUNFLOW_TRUSTSTORE);
        if (!trustStore.isBlank()) {
            builder.trustStore(loadTrustStore(Path.of(trustStore), config.secret(RUNFLOW_TRUSTSTORE_PASSWORD)));
        }
        return builder.build();
    }

    private static KeyStore loadTrustStore(Path path, String password) {
        try {
            return new TlsTrust(path, password == null ? null : password.toCharArray()).load();
        } catch (IllegalArgumentException e) {
            // TlsTrust's message names the file and the failure, never the password.
            throw new ConfigException(RUNFLOW_TRUSTSTORE + ": " + e.getMessage());
        }
    }

    public GateTopics gateTopics() {
        return new GateTopics(
                config.getString(TOPIC_UPLOADED),
                config.getString(TOPIC_ACCEPTED),
                config.getString(TOPIC_RETAKE),
                config.getString(TOPIC_UPLOADED_DLQ));
    }

    /** How every task calls Runflow, the quality gate's and the headshot orders' alike. */
    public CallSettings calls() {
        return CallSettings.of(maxInFlight(), Duration.ofMillis(config.getLong(DRAIN_INTERVAL_MS)));
    }

    public GateSettings gateSettings() {
        return new GateSettings(config.getDouble(THRESHOLD), config.getBoolean(ORDERED), calls());
    }

    /** Most Runflow calls in flight at once in this instance, retrying ones included. */
    public int maxInFlight() {
        return config.getInt(MAX_IN_FLIGHT);
    }

    /** How long one call may keep failing retryably while others succeed before it is given up. */
    public Duration giveUpAfter() {
        return Duration.ofMillis(config.getLong(GIVE_UP_AFTER_MS));
    }

    /** Most Runflow requests per second in this instance, retries included; 0 for no limit. */
    public double rateLimit() {
        return config.getDouble(RATE_LIMIT);
    }

    public boolean fileUrisEnabled() {
        return config.getBoolean(FILE_URIS);
    }

    /** Largest s3:// or file:// image the processor reads. */
    public int maxImageBytes() {
        return config.getInt(MAX_IMAGE_BYTES);
    }

    /** The OTLP/HTTP endpoint spans are exported to; empty: none. */
    public String otlpEndpoint() {
        return config.otlpEndpoint();
    }

    public boolean ordersEnabled() {
        return config.getBoolean(ORDERS_ENABLED);
    }

    public OrderTopics orderTopics() {
        return new OrderTopics(
                config.getString(TOPIC_ACCEPTED), config.getString(TOPIC_JOBS), config.getString(TOPIC_JOBS_DLQ));
    }

    public StatusTopics statusTopics() {
        return new StatusTopics(
                config.getString(TOPIC_JOBS),
                config.getString(TOPIC_JOBS_DLQ),
                config.getString(TOPIC_COMPLETED),
                config.getString(TOPIC_ARCHIVED),
                config.getString(TOPIC_COMPLETED_DLQ));
    }

    /** The order rules and submission settings; a bad combination names its key. */
    public OrderSettings orderSettings() {
        String bridgeUrl = config.getString(BRIDGE_PUBLIC_URL);
        if (bridgeUrl.isBlank()) {
            throw new ConfigException(
                    BRIDGE_PUBLIC_URL + " is required to submit orders (or set " + ORDERS_ENABLED + "=false)");
        }
        try {
            return new OrderSettings(
                    config.getInt(ORDERS_PHOTOS_PER_JOB),
                    config.getInt(ORDERS_MIN_PHOTOS),
                    Duration.ofMillis(config.getLong(ORDERS_IDLE_TIMEOUT_MS)),
                    bridgeUrl,
                    calls(),
                    config.getBoolean(CALLBACK_TRACE_CONTEXT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid headshot order settings (" + ORDERS_PHOTOS_PER_JOB + ", "
                    + ORDERS_MIN_PHOTOS + ", " + ORDERS_IDLE_TIMEOUT_MS + ", " + BRIDGE_PUBLIC_URL + "): "
                    + e.getMessage());
        }
    }

    /** The callback-token scheme shared with the webhook bridge; the secret itself is never shown. */
    public CallbackTokens callbackTokens() {
        String secret = config.secret(CALLBACK_SECRET);
        if (secret == null || secret.isBlank()) {
            throw new ConfigException(CALLBACK_SECRET + " is required to submit orders (or "
                    + ServiceConfig.environmentName(CALLBACK_SECRET) + "_FILE); it must equal the webhook bridge's "
                    + "current callback secret");
        }
        try {
            return CallbackTokens.of(secret);
        } catch (IllegalArgumentException e) {
            // CallbackTokens' message names the rule, never the secret.
            throw new ConfigException(CALLBACK_SECRET + ": " + e.getMessage());
        }
    }

    /** This instance's {@code application.server}, if one is configured. */
    public Optional<HostInfo> applicationServer() {
        String value = config.getString(APPLICATION_SERVER).strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HostInfo.buildFromEndpoint(value));
        } catch (ConfigException e) {
            throw new ConfigException(APPLICATION_SERVER + " must be host:port but was '" + value + "'");
        }
    }

    /** Longest a clean shutdown waits for Kafka Streams to commit and close. */
    public Duration shutdownTimeout() {
        return Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT_MS));
    }
}
