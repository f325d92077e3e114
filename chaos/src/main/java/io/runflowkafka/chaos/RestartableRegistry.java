package io.runflowkafka.chaos;

import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The run's schema registry, in this JVM on one port for the whole run, with a journal: stopped for an outage and
 * started again on the same port, it knows only what its journal gives back, so schema ids survive restarts.
 */
final class RestartableRegistry {

    private final long seed;
    private final int port;
    private final Path journal;
    private final Consumer<AutoCloseable> stopAtEnd;
    private volatile LocalSchemaRegistryServer server;
    private int generation;

    /** Each server started is handed to {@code stopAtEnd}, so the run stops it when it ends. */
    RestartableRegistry(long seed, Path journal, Consumer<AutoCloseable> stopAtEnd) throws IOException {
        this.seed = seed;
        this.port = BrokerCluster.freePort();
        this.journal = journal;
        this.stopAtEnd = stopAtEnd;
        Files.createDirectories(journal.getParent());
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void start() {
        // A new in-memory scope each time: the restarted registry knows only what its journal gives back.
        String scope = scope(++generation);
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                server = LocalSchemaRegistryServer.start(scope, port, journal);
                stopAtEnd.accept(server);
                if (generation > 1) {
                    MockSchemaRegistry.dropScope(scope(generation - 1));
                }
                return;
            } catch (IllegalStateException e) {
                failure = e; // the port may linger a moment after close
                Hold.hold(Duration.ofMillis(250), "registry port free");
            }
        }
        throw failure;
    }

    void stop() {
        server.close();
    }

    private String scope(int generation) {
        return "chaos-registry-" + seed + "-" + generation;
    }
}
