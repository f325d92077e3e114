package io.runflowkafka.bridge;

import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.config.ServiceConfigView;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The bridge's configuration: its keys beside the common ones (a {@link ConfigDef}, where every default lives),
 * loaded from a properties file and the environment, and read into {@link BridgeSettings}. No other class reads a
 * configuration key.
 */
public final class BridgeConfig extends ServiceConfigView {

    /** Default port of the bridge's HTTP server (webhooks, health, metrics). */
    public static final int DEFAULT_HTTP_PORT = 8090;

    static final String HEADSHOTS_TOPIC = "bridge.topic.headshots-completed";
    static final String RUNS_TOPIC = "bridge.topic.runs-completed";
    static final String CALLBACK_SECRETS = "bridge.callback-secrets";
    static final String SIGNING_SECRET = "bridge.signing-secret";
    static final String KAFKA_TIMEOUT = "bridge.kafka-timeout-ms";
    static final String RETRY_AFTER = "bridge.retry-after-ms";
    static final String MAX_BODY_BYTES = "bridge.max-body-bytes";
    static final String URL_LIFETIME = "bridge.url-lifetime-ms";
    static final String READINESS_INTERVAL = "bridge.readiness-interval-ms";
    static final String SHUTDOWN_TIMEOUT = "bridge.shutdown-timeout-ms";
    static final String HTTP_THREADS = "bridge.http-threads";
    static final String REQUEST_LOG = "bridge.request-log";

    /** The {@code service.name} of the bridge's spans. */
    static final String SERVICE_NAME = "runflow-kafka-bridge";

    private BridgeConfig(ServiceConfig config) {
        super(config);
    }

    /** The common keys (HTTP port {@value #DEFAULT_HTTP_PORT}) plus the bridge's own. */
    public static ConfigDef definition() {
        ConfigDef definition = CommonKeys.define(DEFAULT_HTTP_PORT);
        // Durations were written "5s" here and "…-ms" in every other service; the old names are refused by name.
        for (String key : List.of(KAFKA_TIMEOUT, RETRY_AFTER, URL_LIFETIME, READINESS_INTERVAL, SHUTDOWN_TIMEOUT)) {
            CommonKeys.renamed(definition, key.substring(0, key.length() - "-ms".length()), key, "milliseconds");
        }
        return definition
                .define(
                        HEADSHOTS_TOPIC,
                        Type.STRING,
                        "headshots.completed",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Topic of HeadshotsCompleted events, keyed by headshots id.")
                .define(
                        RUNS_TOPIC,
                        Type.STRING,
                        "runs.completed",
                        new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM,
                        "Topic of RunCompleted events, keyed by run id.")
                .define(
                        CALLBACK_SECRETS,
                        Type.PASSWORD,
                        ConfigDef.NO_DEFAULT_VALUE,
                        Importance.HIGH,
                        "Secrets of the callback-URL tokens (HMAC-SHA256 of the job reference), comma-separated, "
                                + "current first; keep an old one listed while its jobs may still call back. "
                                + "At least 16 bytes each. Required; also read from bridge.callback-secrets.file.")
                .define(
                        SIGNING_SECRET,
                        Type.PASSWORD,
                        null,
                        Importance.HIGH,
                        "Standard Webhooks signing secret(s) as whsec_<base64>, comma-separated while rotating. "
                                + "When set, every callback must also carry a valid webhook-signature. Optional.")
                .define(
                        KAFKA_TIMEOUT,
                        Type.LONG,
                        5_000L,
                        Range.between(100, 300_000),
                        Importance.MEDIUM,
                        "How long a callback waits for Kafka's acknowledgement, in milliseconds, before the "
                                + "bridge answers 503 (also the producer's max.block.ms unless set under kafka.).")
                .define(
                        RETRY_AFTER,
                        Type.LONG,
                        5_000L,
                        Range.between(1_000, 3_600_000),
                        Importance.LOW,
                        "The Retry-After a 503 tells the sender, in milliseconds (sent as whole seconds, rounded up).")
                .define(
                        MAX_BODY_BYTES,
                        Type.INT,
                        1_048_576,
                        Range.between(1_024, 16 * 1_048_576),
                        Importance.MEDIUM,
                        "Largest callback body accepted; larger ones get 413.")
                .define(
                        URL_LIFETIME,
                        Type.LONG,
                        86_400_000L,
                        Range.between(60_000, 30L * 86_400_000),
                        Importance.LOW,
                        "How long Runflow's image URLs stay valid, in milliseconds; expires_at = received_at + this.")
                .define(
                        READINESS_INTERVAL,
                        Type.LONG,
                        5_000L,
                        Range.between(200, 300_000),
                        Importance.LOW,
                        "How often Kafka is probed for /health/ready, in milliseconds (describeCluster, with this "
                                + "as its time-out).")
                .define(
                        SHUTDOWN_TIMEOUT,
                        Type.LONG,
                        15_000L,
                        Range.between(1_000, 600_000),
                        Importance.LOW,
                        "How long a stop waits for requests in flight and buffered events, in milliseconds.")
                .define(
                        HTTP_THREADS,
                        Type.INT,
                        200,
                        Range.between(8, 2_000),
                        Importance.LOW,
                        "Most Jetty request threads. Kafka waits hold no thread, so this bounds parsing, not "
                                + "requests in flight.")
                .define(
                        REQUEST_LOG,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Log one line per webhook request (token redacted) at INFO.");
    }

    /** The topic of RunCompleted events when none is configured: the ConfigDef's default. */
    public static String defaultRunsTopic() {
        return (String) definition().defaultValues().get(RUNS_TOPIC);
    }

    /**
     * Loads the configuration: defaults, then {@code file}, then {@code environment}.
     *
     * @throws ConfigException naming the key when a value is missing, invalid or under a refused old name
     */
    public static BridgeConfig load(Optional<Path> file, Map<String, String> environment) {
        return new BridgeConfig(ServiceConfig.load(definition(), file, environment));
    }

    /** Loads the configuration from {@code file}, if any, and the process environment. */
    public static BridgeConfig load(Optional<Path> file) {
        return load(file, System.getenv());
    }

    /**
     * The bridge's settings.
     *
     * @throws ConfigException naming the key when a secret does not fit
     */
    public BridgeSettings settings() {
        CallbackTokens tokens;
        try {
            tokens = CallbackTokens.of(split(config.secret(CALLBACK_SECRETS)));
        } catch (IllegalArgumentException e) {
            // CallbackTokens names the position of a bad secret, never its content.
            throw new ConfigException(CALLBACK_SECRETS + ": " + e.getMessage());
        }
        SignatureVerifier signatures;
        try {
            String signing = config.secret(SIGNING_SECRET);
            signatures = signing == null || signing.isBlank()
                    ? SignatureVerifier.disabled()
                    : SignatureVerifier.of(split(signing));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SIGNING_SECRET + ": " + e.getMessage());
        }
        return new BridgeSettings(
                new BridgeSettings.Server(
                        config.getString(CommonKeys.HTTP_HOST),
                        config.getInt(CommonKeys.HTTP_PORT),
                        config.getInt(HTTP_THREADS),
                        config.millis(SHUTDOWN_TIMEOUT),
                        config.getBoolean(REQUEST_LOG)),
                new BridgeSettings.Limits(
                        config.getInt(MAX_BODY_BYTES), config.millis(KAFKA_TIMEOUT), config.millis(RETRY_AFTER)),
                config.getString(HEADSHOTS_TOPIC),
                config.getString(RUNS_TOPIC),
                tokens,
                signatures,
                config.millis(URL_LIFETIME),
                config.millis(READINESS_INTERVAL),
                config.topicCreation(),
                config.otlpEndpoint());
    }

    private static List<String> split(String secrets) {
        if (secrets == null) {
            return List.of();
        }
        return Arrays.stream(secrets.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
