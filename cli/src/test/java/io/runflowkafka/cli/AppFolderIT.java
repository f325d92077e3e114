package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The app folder that {@code package} builds, run as a user runs it: the launcher itself, not through {@code sh}. */
class AppFolderIT {

    private static final Path LAUNCHER = Path.of("target", "runflow-kafka", "bin", "runflow-kafka");

    @Test
    void shouldRunTheLauncherDirectly() throws IOException, InterruptedException {
        assertThat(LAUNCHER).exists();
        assertThat(Files.isExecutable(LAUNCHER))
                .as("%s has its execute bit", LAUNCHER)
                .isTrue();

        Process process = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "--version")
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("the launcher ends")
                    .isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("runflow-kafka 0.1.0");
        } finally {
            process.destroyForcibly();
        }
    }
}
