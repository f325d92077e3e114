package io.runflowkafka.processor.it;

import io.runflowkafka.processor.ProcessorMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts the processor in a JVM of its own (so that it can be killed, paused and resumed with real signals). */
public final class ProcessorJvm {

    private ProcessorJvm() {}

    /** Starts {@link ProcessorMain} on the test's class path with {@code env}, its output going to {@code log}. */
    static Process launch(Map<String, String> env, Path log, String maxHeap) throws IOException {
        return launch(ProcessorMain.class, List.of(), env, log, maxHeap);
    }

    /**
     * Starts {@code main} on the test's class path with {@code env} added to this process's environment, its output
     * going to {@code log}.
     */
    public static Process launch(
            Class<?> main, List<String> jvmOptions, Map<String, String> env, Path log, String maxHeap, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    /** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}) to the process, if it is alive. */
    static void signal(Process process, String signal) throws IOException, InterruptedException {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Asks the process to stop (SIGTERM), then kills it if it has not within 30 s. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
