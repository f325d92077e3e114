package io.runflowkafka.bridge;

import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.kafka.TopicCreation;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the bridge needs besides its Kafka and Schema Registry client properties, as {@link BridgeConfig}
 * reads it. The secrets live inside {@link CallbackTokens} and {@link SignatureVerifier}, whose {@code toString}
 * shows only how many there are, so this record prints safely.
 *
 * @param server the HTTP server
 * @param limits the bounds every callback request is held to
 * @param headshotsTopic topic of HeadshotsCompleted events
 * @param runsTopic topic of RunCompleted events
 * @param tokens checks callback-URL tokens
 * @param signatures checks Standard Webhooks signatures, or is disabled
 * @param urlLifetime lifetime of Runflow's image URLs
 * @param readinessInterval period of the Kafka readiness probe
 * @param topics whether and how missing topics are created on start
 * @param otlpEndpoint the OTLP/HTTP endpoint spans are exported to; empty: none
 */
public record BridgeSettings(
        Server server,
        Limits limits,
        String headshotsTopic,
        String runsTopic,
        CallbackTokens tokens,
        SignatureVerifier signatures,
        Duration urlLifetime,
        Duration readinessInterval,
        TopicCreation topics,
        String otlpEndpoint) {

    /** Requires every part. */
    public BridgeSettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(headshotsTopic, "headshotsTopic");
        Objects.requireNonNull(runsTopic, "runsTopic");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(signatures, "signatures");
        Objects.requireNonNull(urlLifetime, "urlLifetime");
        Objects.requireNonNull(readinessInterval, "readinessInterval");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
    }

    /**
     * How the HTTP server is set up.
     *
     * @param host interface to listen on
     * @param port port to listen on, 0 for any free one
     * @param threads most Jetty request threads (also where Kafka answers are written)
     * @param shutdownTimeout how long a stop waits for requests in flight and for buffered events
     * @param requestLog whether to log a line per webhook request
     */
    public record Server(String host, int port, int threads, Duration shutdownTimeout, boolean requestLog) {

        /** Requires the interface and the time-out. */
        public Server {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        }
    }

    /**
     * The bounds a callback request is held to.
     *
     * @param maxBodyBytes largest body accepted (413 above)
     * @param kafkaTimeout how long to wait for Kafka's acknowledgement before answering 503
     * @param retryAfter what the 503's {@code Retry-After} tells the sender
     */
    public record Limits(int maxBodyBytes, Duration kafkaTimeout, Duration retryAfter) {

        /** Requires positive bounds. */
        public Limits {
            if (maxBodyBytes <= 0) {
                throw new IllegalArgumentException("maxBodyBytes must be positive");
            }
            if (kafkaTimeout.isNegative() || kafkaTimeout.isZero()) {
                throw new IllegalArgumentException("kafkaTimeout must be positive");
            }
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
