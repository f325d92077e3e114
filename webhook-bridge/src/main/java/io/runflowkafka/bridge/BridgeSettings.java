package io.runflowkafka.bridge;

import io.runflowkafka.callbacks.CallbackTokens;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the bridge needs besides its Kafka and Schema Registry client properties. The secrets live inside
 * {@link CallbackTokens} and {@link SignatureVerifier}, whose {@code toString} shows only how many there are, so
 * this record prints safely.
 *
 * @param host interface of the HTTP server
 * @param port port of the HTTP server, 0 for any free one
 * @param headshotsTopic topic of HeadshotsCompleted events
 * @param runsTopic topic of RunCompleted events
 * @param tokens checks callback-URL tokens
 * @param signatures checks Standard Webhooks signatures, or is disabled
 * @param kafkaTimeout wait for Kafka's acknowledgement before answering 503
 * @param retryAfter Retry-After of a 503
 * @param maxBodyBytes body size limit
 * @param urlLifetime lifetime of Runflow's image URLs
 * @param readinessInterval period of the Kafka readiness probe
 * @param shutdownTimeout wait for in-flight requests on stop
 * @param httpThreads most Jetty threads
 * @param requestLog whether to log each webhook request
 * @param createTopics whether to create missing topics on start
 * @param partitions partitions of created topics
 * @param replication replication factor of created topics, -1 for the broker default
 */
public record BridgeSettings(
        String host,
        int port,
        String headshotsTopic,
        String runsTopic,
        CallbackTokens tokens,
        SignatureVerifier signatures,
        Duration kafkaTimeout,
        Duration retryAfter,
        int maxBodyBytes,
        Duration urlLifetime,
        Duration readinessInterval,
        Duration shutdownTimeout,
        int httpThreads,
        boolean requestLog,
        boolean createTopics,
        int partitions,
        short replication) {

    /** Requires the parts that have no sensible absence. */
    public BridgeSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(headshotsTopic, "headshotsTopic");
        Objects.requireNonNull(runsTopic, "runsTopic");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(signatures, "signatures");
        Objects.requireNonNull(kafkaTimeout, "kafkaTimeout");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(urlLifetime, "urlLifetime");
        Objects.requireNonNull(readinessInterval, "readinessInterval");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /** The limits a callback request is held to. */
    public CallbackHandler.Limits limits() {
        return new CallbackHandler.Limits(maxBodyBytes, kafkaTimeout, retryAfter);
    }
}
