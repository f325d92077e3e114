package io.runflowkafka.common.config;

import io.runflowkafka.common.trace.Tracing;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration keys every service has: Kafka, Schema Registry, the operations HTTP port, topic creation and
 * the OTLP endpoint of its spans.
 */
public final class CommonKeys {

    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String CREATE_TOPICS = "topics.create";
    public static final String TOPIC_PARTITIONS = "topics.partitions";
    public static final String TOPIC_REPLICATION = "topics.replication-factor";
    public static final String OTLP_ENDPOINT = "otel.exporter.otlp.endpoint";

    private CommonKeys() {}

    /**
     * Keeps a renamed key in {@code definition} only to refuse it by name: set in a file or through its
     * environment variable, loading fails with the key's new name instead of the value being ignored silently.
     */
    public static ConfigDef renamed(ConfigDef definition, String oldKey, String newKey, String unit) {
        String message = "was renamed " + newKey + " (" + unit + ")";
        return definition.define(
                oldKey,
                Type.STRING,
                null,
                (name, value) -> {
                    if (value != null) {
                        throw new ConfigException(name, value, message);
                    }
                },
                Importance.LOW,
                "Renamed " + newKey + ": no longer read, refused when set.");
    }

    /** A definition holding the common keys, to which a service adds its own. */
    public static ConfigDef define(int defaultHttpPort) {
        return new ConfigDef()
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.STRING,
                        "localhost:9092",
                        Importance.HIGH,
                        "Kafka bootstrap servers. Any other Kafka client property passes through under kafka. "
                                + "(kafka.security.protocol, kafka.sasl.*, kafka.ssl.*).")
                .define(
                        SCHEMA_REGISTRY_URL,
                        Type.STRING,
                        "http://localhost:8081",
                        Importance.HIGH,
                        "Schema Registry URL(s), comma-separated; mock://<scope> for an in-memory registry.")
                .define(
                        BASIC_AUTH_SOURCE,
                        Type.STRING,
                        "URL",
                        Importance.LOW,
                        "Where the registry basic-auth credentials come from: URL (user info in the URL, if any) or USER_INFO.")
                .define(
                        BASIC_AUTH_USER_INFO,
                        Type.PASSWORD,
                        null,
                        Importance.LOW,
                        "Registry credentials as user:password (a secret; also from basic.auth.user.info.file).")
                .define(
                        AUTO_REGISTER_SCHEMAS,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Register the writer's schema when it is not in the registry yet.")
                .define(
                        USE_LATEST_VERSION,
                        Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Serialize with the subject's latest registered schema instead of the writer's own.")
                .define(
                        HTTP_HOST,
                        Type.STRING,
                        "0.0.0.0",
                        Importance.LOW,
                        "Interface of the HTTP server (health, metrics and, for the bridge, webhooks).")
                .define(
                        HTTP_PORT,
                        Type.INT,
                        defaultHttpPort,
                        Range.between(0, 65535),
                        Importance.MEDIUM,
                        "Port of the HTTP server; 0 picks a free one.")
                .define(
                        CREATE_TOPICS,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Create the service's missing topics on start.")
                .define(
                        TOPIC_PARTITIONS,
                        Type.INT,
                        12,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Partitions of topics the service creates.")
                .define(
                        TOPIC_REPLICATION,
                        Type.SHORT,
                        (short) -1,
                        Importance.LOW,
                        "Replication factor of topics the service creates; -1 takes the broker's default.")
                .define(
                        OTLP_ENDPOINT,
                        Type.STRING,
                        "",
                        Tracing.endpointValidator(),
                        Importance.LOW,
                        "OTLP/HTTP endpoint spans are exported to (e.g. http://localhost:4318; /v1/traces is "
                                + "appended); empty exports nothing. Trace context is carried in record headers either way.");
    }
}
