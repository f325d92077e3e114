package io.runflowkafka.testkit;

import java.util.Objects;

/**
 * A Kafka cluster someone else runs (named by {@code KAFKA_BOOTSTRAP_SERVERS}); the test kit only hands out
 * its address, and cannot stop or start it.
 */
public final class ExternalKafkaBroker implements KafkaBroker {

    private final String bootstrapServers;

    /** Wraps the cluster reachable at {@code bootstrapServers}. */
    public ExternalKafkaBroker(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is blank");
        }
        this.bootstrapServers = bootstrapServers.strip();
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Backend backend() {
        return Backend.EXTERNAL;
    }

    @Override
    public boolean supportsRestart() {
        return false;
    }

    @Override
    public boolean isRunning() {
        return true;
    }

    /** Always throws: an external cluster is not the test kit's to stop. */
    @Override
    public void stop() {
        throw restartUnsupported("stop");
    }

    /** Always throws: an external cluster is not the test kit's to start. */
    @Override
    public void start() {
        throw restartUnsupported("start");
    }

    private UnsupportedOperationException restartUnsupported(String action) {
        return new UnsupportedOperationException(
                "Cannot " + action + " the external Kafka cluster at " + bootstrapServers
                        + " (chosen by KAFKA_BOOTSTRAP_SERVERS): guard broker-restart tests with"
                        + " assumeTrue(KAFKA.supportsRestart())");
    }

    /** Nothing to release: the cluster outlives the tests. */
    @Override
    public void close() {
        // The cluster belongs to whoever set KAFKA_BOOTSTRAP_SERVERS.
    }

    @Override
    public String toString() {
        return "external Kafka cluster at " + bootstrapServers;
    }
}
