package io.runflowkafka.processor.bench;

import io.runflowkafka.processor.it.ProcessorJvm;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A JVM of the benchmark on its class path, output to a log file, stopped by its PID; its CPU time is readable. */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(Path log, String heap, Class<?> main, Map<String, String> env, String... args)
            throws IOException {
        String jvmOptions = System.getenv("BENCH_CHILD_JVM_OPTIONS_" + main.getSimpleName());
        List<String> options = jvmOptions == null || jvmOptions.isBlank()
                ? List.of()
                : List.of(jvmOptions.trim().split("\\s+"));
        return new ChildJvm(ProcessorJvm.launch(main, options, env, log, heap, args), log);
    }

    /** Waits for the child's {@code READY k=v ...} line and returns its fields; fails at once if the child exits. */
    Map<String, String> awaitReady(Duration timeout) {
        AtomicReference<String> ready = new AtomicReference<>();
        Waits.await("the READY line of " + log, timeout).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("child exited with " + process.exitValue() + "; see " + log);
            }
            Files.readAllLines(log).stream()
                    .filter(line -> line.startsWith("READY "))
                    .findFirst()
                    .ifPresent(ready::set);
            return ready.get() != null;
        });
        return fields(ready.get());
    }

    /** The {@code key=value} words of a line. */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String word : line.split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    /** The child's total CPU time (user + system) so far, from the OS. */
    long cpuNanos() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    void stop() throws InterruptedException {
        ProcessorJvm.stop(process);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
