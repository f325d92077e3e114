package io.runflowkafka.sink;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The sink's real main class in a separate JVM, so a test can kill it the way a crash does (SIGKILL: no
 * shutdown hook, no transaction aborted, no consumer leaving its group). Its output goes to a log file.
 */
final class SinkProcess implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final Path log;

    private SinkProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Starts {@link StorageSinkMain} with the test's classpath and {@code environment} as its only configuration. */
    static SinkProcess start(Map<String, String> environment, Path log) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                StorageSinkMain.class.getName()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Nothing from the test's own environment may configure the child by accident.
        builder.environment()
                .keySet()
                .removeIf(name -> name.startsWith("SINK_")
                        || name.startsWith("KAFKA_")
                        || name.startsWith("SCHEMA_REGISTRY")
                        || name.startsWith("HTTP_")
                        || name.startsWith("AWS_"));
        builder.environment().putAll(environment);
        builder.environment().put("HTTP_HOST", "127.0.0.1");
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        Files.createDirectories(log.getParent());
        return new SinkProcess(builder.start(), port, log);
    }

    /** Where its operations server listens. */
    String opsUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Waits up to {@code timeout} for it to exit on its own; its exit status, or empty while it still runs. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** Kills it at once (SIGKILL) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the sink process did not die");
        }
    }

    /** Stops it gracefully (SIGTERM runs the shutdown hook), killing it if it takes longer than 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
