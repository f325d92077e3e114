package io.runflowkafka.common.config;

import io.runflowkafka.common.kafka.TopicCreation;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * A service's configuration: documented keys (a Kafka {@link ConfigDef}) read from defaults, then an
 * optional properties file, then environment variables, with every secret masked when printed.
 *
 * <p>A key {@code processor.max-in-flight} is overridden by the variable {@code PROCESSOR_MAX_IN_FLIGHT}.
 * Kafka client properties pass through under {@code kafka.} (variable {@code KAFKA_SASL_JAAS_CONFIG} →
 * {@code kafka.sasl.jaas.config}). A secret key also reads from a file named by {@code <key>.file} or
 * {@code <VARIABLE>_FILE}, as container secrets are mounted.
 */
public final class ServiceConfig extends AbstractConfig {

    /** Prefix under which any Kafka client property passes through. */
    public static final String KAFKA_PREFIX = "kafka.";

    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(password|secret|api[._-]?key|token|jaas|credentials|user\\.info|private).*");
    private static final String MASK = "[hidden]";

    private ServiceConfig(ConfigDef definition, Map<String, String> values) {
        super(definition, values, false);
    }

    /**
     * Loads the configuration.
     *
     * @param definition the service's documented keys with defaults and validators
     * @param file a properties file, if one was given
     * @param environment the process environment (passed in so tests can supply their own)
     * @throws ConfigException naming the key when a value is missing or invalid
     */
    public static ServiceConfig load(ConfigDef definition, Optional<Path> file, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        file.ifPresent(path -> values.putAll(readProperties(path)));
        for (String key : definition.names()) {
            String variable = environmentName(key);
            if (environment.containsKey(variable)) {
                values.put(key, environment.get(variable));
            }
        }
        environment.forEach((variable, value) -> {
            if (variable.startsWith("KAFKA_") && !variable.endsWith("_FILE")) {
                values.put(
                        KAFKA_PREFIX
                                + variable.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'),
                        value);
            }
        });
        readSecretFiles(definition, values, environment);
        return new ServiceConfig(definition, values);
    }

    /** Loads from the process environment and the file named by {@code fileOption}, if any. */
    public static ServiceConfig load(ConfigDef definition, Optional<Path> file) {
        return load(definition, file, System.getenv());
    }

    /** The environment variable that overrides {@code key}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** True for keys whose values must never be printed. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** The Kafka client properties given under {@code kafka.}, prefix removed, ready for a client. */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> properties = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
        values().forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX) && value != null) {
                properties.putIfAbsent(key.substring(KAFKA_PREFIX.length()), plain(value));
            }
        });
        return properties;
    }

    /**
     * The Schema Registry serde settings under Confluent's own key names ({@code schema.registry.url},
     * {@code basic.auth.*}, {@code auto.register.schemas}, {@code use.latest.version}), secrets in clear
     * for the serde only.
     */
    public Map<String, Object> schemaRegistryProperties() {
        Map<String, Object> properties = new HashMap<>();
        Map<String, Object> all = new HashMap<>(originals());
        all.putAll(values());
        all.forEach((key, value) -> {
            if (value != null
                    && (key.startsWith("schema.registry.")
                            || key.startsWith("basic.auth.")
                            || key.equals("auto.register.schemas")
                            || key.equals("use.latest.version"))) {
                properties.put(key, plain(value));
            }
        });
        return properties;
    }

    private static Object plain(Object value) {
        return value instanceof Password password ? password.value() : value;
    }

    /** Whether and how missing topics are created: the common {@code topics.*} keys. */
    public TopicCreation topicCreation() {
        return new TopicCreation(
                getBoolean(CommonKeys.CREATE_TOPICS),
                getInt(CommonKeys.TOPIC_PARTITIONS),
                getShort(CommonKeys.TOPIC_REPLICATION));
    }

    /** The OTLP/HTTP endpoint spans are exported to ({@link CommonKeys#OTLP_ENDPOINT}); empty: none. */
    public String otlpEndpoint() {
        return getString(CommonKeys.OTLP_ENDPOINT).trim(); // checked when loaded (Tracing.endpointValidator)
    }

    /** A {@code …-ms} key as a duration. */
    public Duration millis(String key) {
        return Duration.ofMillis(getLong(key));
    }

    /** The value of a secret key, which is never printed by this class. */
    public String secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }

    /** Every key with its value, sorted, secrets masked: safe to log at start-up. */
    public String describe() {
        Map<String, Object> shown = new TreeMap<>();
        values().forEach((key, value) -> shown.put(key, mask(key, value)));
        originals().forEach((key, value) -> shown.putIfAbsent(key, mask(key, value)));
        StringBuilder out = new StringBuilder();
        shown.forEach((key, value) ->
                out.append("  ").append(key).append(" = ").append(value).append('\n'));
        return out.toString();
    }

    private static Object mask(String key, Object value) {
        if (value instanceof Password) {
            return MASK;
        }
        if (value != null && isSecretKey(key)) {
            return MASK;
        }
        return value;
    }

    private static void readSecretFiles(ConfigDef definition, Map<String, String> values, Map<String, String> env) {
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            if (key.type != ConfigDef.Type.PASSWORD) {
                continue;
            }
            String fromVariable = env.get(environmentName(key.name) + "_FILE");
            String fromProperty = values.remove(key.name + ".file");
            String secretFile = fromVariable != null ? fromVariable : fromProperty;
            if (secretFile != null && !values.containsKey(key.name)) {
                try {
                    values.put(
                            key.name,
                            Files.readString(Path.of(secretFile), StandardCharsets.UTF_8)
                                    .strip());
                } catch (IOException e) {
                    // The file name is not a secret; its content is never read into the message.
                    throw new ConfigException("cannot read the secret file for " + key.name + ": " + secretFile + " ("
                            + e.getClass().getSimpleName() + ")");
                }
            }
        }
    }

    private static Map<String, String> readProperties(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + path, e);
        }
        Map<String, String> values = new HashMap<>();
        properties
                .stringPropertyNames()
                .forEach(name -> values.put(name, properties.getProperty(name).strip()));
        return values;
    }
}
