package io.runflowkafka.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Avro serdes and the Schema Registry client, under the same keys as Confluent's serializers.
 * Parsed with Kafka's {@link ConfigDef}, so values may be strings or typed objects; {@link #toString()} never shows a secret.
 */
public final class SchemaRegistryConfig {

    /** Comma-separated registry URLs, tried in order on failure; {@code mock://scope} selects the in-memory registry. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the record's schema under the subject when it is not there yet (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest registered schema instead of the record's own (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** How long the latest version of a subject is cached, in seconds; -1 caches it for the life of the serde. */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    /** Where basic-auth credentials come from: {@code URL} (user info of each URL, the default) or {@code USER_INFO}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** Basic-auth credentials as {@code user:password}, used when the source is {@code USER_INFO}; a secret. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Older spelling of {@link #BASIC_AUTH_USER_INFO} that Confluent's clients still honour. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    /** Deserialize into the generated SpecificRecord classes instead of GenericRecord (default false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Time-out for opening a connection to a registry URL, in milliseconds. */
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    /** Time-out for one registry request once sent (until the response headers arrive), in milliseconds. */
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** Subject naming for keys; only TopicNameStrategy ({@code <topic>-key}) is supported. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Subject naming for values; only TopicNameStrategy ({@code <topic>-value}) is supported. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    /** Credentials source value: take {@code user:password} from each URL's user info. */
    public static final String CREDENTIALS_SOURCE_URL = "URL";
    /** Credentials source value: take {@code user:password} from {@link #BASIC_AUTH_USER_INFO}. */
    public static final String CREDENTIALS_SOURCE_USER_INFO = "USER_INFO";
    /** Scheme prefix of the in-memory registry. */
    public static final String MOCK_URL_PREFIX = "mock://";

    static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    static final int DEFAULT_READ_TIMEOUT_MS = 10_000;
    private static final String TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    Importance.HIGH,
                    "Comma-separated Schema Registry URLs, or one mock://scope for the in-memory registry.")
            .define(
                    AUTO_REGISTER_SCHEMAS,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Register the record's schema when it is not registered under the subject yet.")
            .define(
                    USE_LATEST_VERSION,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Write with the subject's latest registered schema (when auto.register.schemas is false).")
            .define(
                    LATEST_CACHE_TTL_SEC,
                    Type.LONG,
                    -1L,
                    Importance.LOW,
                    "Seconds the latest version of a subject is cached; -1 means for the life of the serde.")
            .define(
                    BASIC_AUTH_CREDENTIALS_SOURCE,
                    Type.STRING,
                    CREDENTIALS_SOURCE_URL,
                    ConfigDef.CaseInsensitiveValidString.in(CREDENTIALS_SOURCE_URL, CREDENTIALS_SOURCE_USER_INFO),
                    Importance.MEDIUM,
                    "Where basic-auth credentials come from: URL or USER_INFO.")
            .define(
                    BASIC_AUTH_USER_INFO,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "Basic-auth credentials, user:password, used when the credentials source is USER_INFO.")
            .define(
                    SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO,
                    Type.PASSWORD,
                    null,
                    Importance.LOW,
                    "Older spelling of basic.auth.user.info.")
            .define(
                    SPECIFIC_AVRO_READER,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Deserialize into generated SpecificRecord classes instead of GenericRecord.")
            .define(
                    HTTP_CONNECT_TIMEOUT_MS,
                    Type.INT,
                    DEFAULT_CONNECT_TIMEOUT_MS,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Connect time-out per registry URL, in milliseconds.")
            .define(
                    HTTP_READ_TIMEOUT_MS,
                    Type.INT,
                    DEFAULT_READ_TIMEOUT_MS,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Request time-out per registry URL, in milliseconds.")
            .define(
                    KEY_SUBJECT_NAME_STRATEGY,
                    Type.STRING,
                    TOPIC_NAME_STRATEGY,
                    Importance.LOW,
                    "Subject naming for keys; only TopicNameStrategy is supported.")
            .define(
                    VALUE_SUBJECT_NAME_STRATEGY,
                    Type.STRING,
                    TOPIC_NAME_STRATEGY,
                    Importance.LOW,
                    "Subject naming for values; only TopicNameStrategy is supported.");

    private final List<String> urls;
    private final String mockScope;
    private final boolean autoRegisterSchemas;
    private final boolean useLatestVersion;
    private final Duration latestCacheTtl;
    private final String credentialsSource;
    private final Password userInfo;
    private final boolean specificAvroReader;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * Parses and validates the given configuration (extra keys, such as the rest of a Kafka client's configuration, are ignored).
     *
     * @throws ConfigException when a value is missing or invalid; the message never repeats a credential
     */
    public SchemaRegistryConfig(Map<String, ?> configs) {
        AbstractConfig parsed = new AbstractConfig(DEFINITION, configs, false);
        this.urls = List.copyOf(parsed.getList(SCHEMA_REGISTRY_URL));
        this.mockScope = validateUrls(urls);
        this.autoRegisterSchemas = parsed.getBoolean(AUTO_REGISTER_SCHEMAS);
        this.useLatestVersion = parsed.getBoolean(USE_LATEST_VERSION);
        long ttl = parsed.getLong(LATEST_CACHE_TTL_SEC);
        this.latestCacheTtl = ttl < 0 ? null : Duration.ofSeconds(ttl);
        this.credentialsSource = parsed.getString(BASIC_AUTH_CREDENTIALS_SOURCE).toUpperCase(Locale.ROOT);
        Password info = parsed.getPassword(BASIC_AUTH_USER_INFO);
        this.userInfo = info != null ? info : parsed.getPassword(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO);
        this.specificAvroReader = parsed.getBoolean(SPECIFIC_AVRO_READER);
        this.connectTimeout = Duration.ofMillis(parsed.getInt(HTTP_CONNECT_TIMEOUT_MS));
        this.readTimeout = Duration.ofMillis(parsed.getInt(HTTP_READ_TIMEOUT_MS));
        requireTopicNameStrategy(parsed, KEY_SUBJECT_NAME_STRATEGY);
        requireTopicNameStrategy(parsed, VALUE_SUBJECT_NAME_STRATEGY);
        if (CREDENTIALS_SOURCE_USER_INFO.equals(credentialsSource)) {
            String value = userInfo == null ? null : userInfo.value();
            if (value == null || value.isEmpty()) {
                throw new ConfigException(
                        BASIC_AUTH_CREDENTIALS_SOURCE + " is USER_INFO but " + BASIC_AUTH_USER_INFO + " is not set");
            }
            if (value.indexOf(':') < 0) {
                throw new ConfigException(
                        BASIC_AUTH_USER_INFO + " must have the form user:password (the value is not shown)");
            }
        }
    }

    /** The configured registry URLs as given, possibly with credentials in their user info: never log them, use {@link #redact}. */
    public List<String> urls() {
        return urls;
    }

    /** The scope of the in-memory registry when the URL is {@code mock://scope}. */
    public Optional<String> mockScope() {
        return Optional.ofNullable(mockScope);
    }

    /** Whether the serializer registers schemas it does not find under the subject. */
    public boolean autoRegisterSchemas() {
        return autoRegisterSchemas;
    }

    /** Whether the serializer writes with the subject's latest schema. */
    public boolean useLatestVersion() {
        return useLatestVersion;
    }

    /** How long a subject's latest version is cached; empty means for the life of the client. */
    public Optional<Duration> latestCacheTtl() {
        return Optional.ofNullable(latestCacheTtl);
    }

    /** {@link #CREDENTIALS_SOURCE_URL} or {@link #CREDENTIALS_SOURCE_USER_INFO}. */
    public String credentialsSource() {
        return credentialsSource;
    }

    /** Whether the deserializer returns generated SpecificRecord classes. */
    public boolean specificAvroReader() {
        return specificAvroReader;
    }

    /** Connect time-out per registry URL. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Request time-out per registry URL. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** The {@code user:password} credentials when the source is USER_INFO; kept package-private because it is a secret. */
    Optional<String> userInfo() {
        return CREDENTIALS_SOURCE_USER_INFO.equals(credentialsSource)
                ? Optional.of(userInfo.value())
                : Optional.empty();
    }

    /** A URL fit for logs and messages: the user info (credentials) removed. */
    public static String redact(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() == null) {
                return url;
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "<invalid URL>";
        }
    }

    @Override
    public String toString() {
        return "SchemaRegistryConfig[urls="
                + urls.stream().map(SchemaRegistryConfig::redact).collect(Collectors.toList())
                + ", autoRegisterSchemas=" + autoRegisterSchemas
                + ", useLatestVersion=" + useLatestVersion
                + ", specificAvroReader=" + specificAvroReader
                + ", credentialsSource=" + credentialsSource
                + ", userInfo=" + (userInfo == null ? "unset" : "[hidden]")
                + ", connectTimeout=" + connectTimeout.toMillis() + "ms"
                + ", readTimeout=" + readTimeout.toMillis() + "ms]";
    }

    /** Checks every URL and returns the mock scope, if any; messages show URLs redacted, never with credentials. */
    private static String validateUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw new ConfigException(
                    SCHEMA_REGISTRY_URL + " is empty: give at least one registry URL, or mock://scope");
        }
        boolean anyMock = urls.stream().anyMatch(url -> url.startsWith(MOCK_URL_PREFIX));
        if (anyMock) {
            if (urls.size() != 1) {
                throw new ConfigException(SCHEMA_REGISTRY_URL + " may hold only one mock:// URL and no other URL");
            }
            return urls.get(0).substring(MOCK_URL_PREFIX.length());
        }
        for (int i = 0; i < urls.size(); i++) {
            URI uri;
            try {
                uri = new URI(urls.get(i));
            } catch (URISyntaxException e) {
                throw new ConfigException("entry " + (i + 1) + " of " + SCHEMA_REGISTRY_URL + " is not a valid URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ConfigException("entry " + (i + 1) + " of " + SCHEMA_REGISTRY_URL + " (" + redact(urls.get(i))
                        + ") is not an http(s)://host[:port][/path] URL");
            }
        }
        return null;
    }

    private static void requireTopicNameStrategy(AbstractConfig parsed, String key) {
        String value = parsed.getString(key);
        if (!TOPIC_NAME_STRATEGY.equals(value) && !"TopicNameStrategy".equals(value)) {
            throw new ConfigException(
                    key + "=" + value + " is not supported: this serde names subjects by TopicNameStrategy only"
                            + " (<topic>-key / <topic>-value)");
        }
    }
}
