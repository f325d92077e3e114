package io.runflowkafka.client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link RunflowClient} needs: where Runflow is, the API key, the three time-outs and
 * the connection pool's size. {@link #toString()} never shows the key.
 *
 * @param baseUrl Runflow's base URL, e.g. {@code https://api.runflow.io} or the emulator's
 * @param apiKey the API key, sent as {@code x-api-key} (Solutions API) or {@code Bearer} (Model API)
 * @param connectTimeout longest wait to establish a TCP (and TLS) connection
 * @param requestTimeout longest silence on an exchange once sent: no response byte for this long fails
 *     the call (an idle time-out, so slow but progressing bodies survive it)
 * @param totalTimeout longest a whole call may take, queueing for a pooled connection included
 * @param maxConnectionsPerDestination connections kept to Runflow at most; HTTP/1.1 carries one call per
 *     connection at a time, so this bounds the calls on the wire
 * @param maxRequestsQueuedPerDestination calls that may wait for a free connection before new calls fail
 *     fast with {@link ConnectionFailedException}
 * @param maxResponseBytes largest response body accepted
 * @param trustStore certificates to trust for HTTPS instead of the JDK's (e.g. the emulator's dev
 *     certificate), or {@code null} for the JDK defaults
 */
public record RunflowClientConfig(
        URI baseUrl,
        String apiKey,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration totalTimeout,
        int maxConnectionsPerDestination,
        int maxRequestsQueuedPerDestination,
        int maxResponseBytes,
        KeyStore trustStore) {

    /** Runflow's production base URL. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.runflow.io");

    /** Checks every field; the message of a failure never contains the key. */
    public RunflowClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String scheme = baseUrl.getScheme();
        if (!baseUrl.isAbsolute()
                || baseUrl.getHost() == null
                || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL with a host");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey is required");
        }
        if (apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("apiKey contains characters not allowed in an HTTP header");
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("totalTimeout", totalTimeout);
        if (maxConnectionsPerDestination < 1) {
            throw new IllegalArgumentException("maxConnectionsPerDestination must be >= 1");
        }
        if (maxRequestsQueuedPerDestination < 1) {
            throw new IllegalArgumentException("maxRequestsQueuedPerDestination must be >= 1");
        }
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be >= 1024");
        }
    }

    /**
     * Starts a configuration with the defaults: production base URL, 5 s connect, 30 s request, 60 s
     * total, 256 connections, 4096 queued calls, 1 MiB responses.
     *
     * @return a builder; {@link Builder#apiKey(String)} must be set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a configuration from flat keys, as a service's properties file or environment would give
     * them. Keys: {@code base.url}, {@code api.key} or {@code api.key.file}, {@code connect.timeout.ms},
     * {@code request.timeout.ms}, {@code total.timeout.ms}, {@code max.connections},
     * {@code max.queued.requests}, {@code max.response.bytes}; missing ones take the defaults.
     *
     * @param properties the keys, without any prefix
     * @return the configuration
     * @throws IllegalArgumentException when a value is malformed or the key file cannot be read
     */
    public static RunflowClientConfig fromProperties(Map<String, String> properties) {
        Builder builder = builder();
        String baseUrl = properties.get("base.url");
        if (baseUrl != null && !baseUrl.isBlank()) {
            builder.baseUrl(URI.create(baseUrl.trim()));
        }
        String key = properties.get("api.key");
        String keyFile = properties.get("api.key.file");
        if ((key == null || key.isBlank()) && keyFile != null && !keyFile.isBlank()) {
            try {
                key = Files.readString(Path.of(keyFile.trim()), StandardCharsets.UTF_8)
                        .trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read api.key.file " + keyFile, e);
            }
        }
        builder.apiKey(key);
        longValue(properties, "connect.timeout.ms").ifPresent(v -> builder.connectTimeout(Duration.ofMillis(v)));
        longValue(properties, "request.timeout.ms").ifPresent(v -> builder.requestTimeout(Duration.ofMillis(v)));
        longValue(properties, "total.timeout.ms").ifPresent(v -> builder.totalTimeout(Duration.ofMillis(v)));
        longValue(properties, "max.connections")
                .ifPresent(v -> builder.maxConnectionsPerDestination(Math.toIntExact(v)));
        longValue(properties, "max.queued.requests")
                .ifPresent(v -> builder.maxRequestsQueuedPerDestination(Math.toIntExact(v)));
        longValue(properties, "max.response.bytes").ifPresent(v -> builder.maxResponseBytes(Math.toIntExact(v)));
        return builder.build();
    }

    private static java.util.OptionalLong longValue(Map<String, String> properties, String key) {
        String value = properties.get(key);
        if (value == null || value.isBlank()) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + value, e);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** A copy with another base URL, e.g. to point the same settings at the emulator. */
    public RunflowClientConfig withBaseUrl(URI newBaseUrl) {
        return new RunflowClientConfig(
                newBaseUrl,
                apiKey,
                connectTimeout,
                requestTimeout,
                totalTimeout,
                maxConnectionsPerDestination,
                maxRequestsQueuedPerDestination,
                maxResponseBytes,
                trustStore);
    }

    @Override
    public String toString() {
        // The key is a secret: show only that one is set.
        return "RunflowClientConfig[baseUrl=" + baseUrl
                + ", apiKey=****"
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", totalTimeout=" + totalTimeout
                + ", maxConnectionsPerDestination=" + maxConnectionsPerDestination
                + ", maxRequestsQueuedPerDestination=" + maxRequestsQueuedPerDestination
                + ", maxResponseBytes=" + maxResponseBytes
                + ", trustStore=" + (trustStore == null ? "jdk-default" : "custom") + "]";
    }

    /** Builds a {@link RunflowClientConfig}; see {@link RunflowClientConfig#builder()} for the defaults. */
    public static final class Builder {
        private URI baseUrl = DEFAULT_BASE_URL;
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration totalTimeout = Duration.ofSeconds(60);
        private int maxConnectionsPerDestination = 256;
        private int maxRequestsQueuedPerDestination = 4096;
        private int maxResponseBytes = 1024 * 1024;
        private KeyStore trustStore;

        private Builder() {}

        /** Sets the base URL (default {@code https://api.runflow.io}). */
        public Builder baseUrl(URI value) {
            this.baseUrl = value;
            return this;
        }

        /** Sets the base URL from a string. */
        public Builder baseUrl(String value) {
            return baseUrl(URI.create(value));
        }

        /** Sets the API key (required). */
        public Builder apiKey(String value) {
            this.apiKey = value;
            return this;
        }

        /** Sets the connect time-out (default 5 s). */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /** Sets the request (idle) time-out (default 30 s). */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** Sets the total time-out of one call (default 60 s). */
        public Builder totalTimeout(Duration value) {
            this.totalTimeout = value;
            return this;
        }

        /** Sets the pool's connection limit (default 256). */
        public Builder maxConnectionsPerDestination(int value) {
            this.maxConnectionsPerDestination = value;
            return this;
        }

        /** Sets how many calls may wait for a connection (default 4096). */
        public Builder maxRequestsQueuedPerDestination(int value) {
            this.maxRequestsQueuedPerDestination = value;
            return this;
        }

        /** Sets the largest response body accepted (default 1 MiB). */
        public Builder maxResponseBytes(int value) {
            this.maxResponseBytes = value;
            return this;
        }

        /** Trusts these certificates for HTTPS instead of the JDK's (default: the JDK's). */
        public Builder trustStore(KeyStore value) {
            this.trustStore = value;
            return this;
        }

        /** Validates and builds the configuration. */
        public RunflowClientConfig build() {
            return new RunflowClientConfig(
                    baseUrl,
                    apiKey,
                    connectTimeout,
                    requestTimeout,
                    totalTimeout,
                    maxConnectionsPerDestination,
                    maxRequestsQueuedPerDestination,
                    maxResponseBytes,
                    trustStore);
        }
    }
}
