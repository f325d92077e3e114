package io.runflowkafka.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's own account of what it did: each line stamped with the seconds since the run started, printed,
 * appended to {@code <dir>/logs/chaos.log} and logged.
 */
final class RunLog {

    // Named after the run, as these lines always were, so that what reads the console log finds them.
    private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);

    private final PrintStream out;
    private final Path file;
    private final long startedNanos;

    RunLog(PrintStream out, Path file, long startedNanos) {
        this.out = out;
        this.file = file;
        this.startedNanos = startedNanos;
    }

    Path file() {
        return file;
    }

    long elapsedSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    }

    void note(String format, Object... args) {
        String line = String.format("[%4ds] ", elapsedSeconds()) + String.format(format, args);
        try {
            Files.writeString(
                    file,
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot append to {}: {}", file, e.toString());
        }
        out.println(line);
        out.flush();
        LOG.info(line);
    }
}
