package io.runflowkafka.testkit;

/**
 * A running Kafka broker a test talks to, whichever backend provides it; {@link #stop()} and
 * {@link #start()} take it down and bring it back on the same address with its data kept.
 */
public sealed interface KafkaBroker extends AutoCloseable
        permits InProcessKafkaBroker, ContainerKafkaBroker, ExternalKafkaBroker {

    /** Where a broker comes from; see the module README for how one is chosen. */
    enum Backend {
        /** A cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}; the test kit neither starts nor stops it. */
        EXTERNAL,
        /** An {@code apache/kafka} container started through Testcontainers. */
        TESTCONTAINERS,
        /** A KRaft broker inside the test JVM, from Kafka's own test kit. */
        IN_PROCESS
    }

    /** The {@code bootstrap.servers} value for clients; it stays the same across {@link #stop()} and {@link #start()}. */
    String bootstrapServers();

    /** Which backend provides this broker. */
    Backend backend();

    /** Whether {@link #stop()} and {@link #start()} are supported by this backend. */
    boolean supportsRestart();

    /** Whether the broker is currently accepting clients (false between {@link #stop()} and {@link #start()}). */
    boolean isRunning();

    /**
     * Takes the broker down, keeping its data: clients get connection failures until {@link #start()}.
     * Does nothing when already stopped.
     *
     * @throws UnsupportedOperationException when {@link #supportsRestart()} is false
     */
    void stop();

    /**
     * Brings a stopped broker back on the same address with its data, returning once it accepts clients.
     * Does nothing when already running.
     *
     * @throws UnsupportedOperationException when {@link #supportsRestart()} is false
     */
    void start();

    /** Shuts the broker down for good and removes what it owns (data directory, container). */
    @Override
    void close();
}
