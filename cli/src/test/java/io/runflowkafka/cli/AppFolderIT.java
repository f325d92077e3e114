package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The app folder that {@code package} builds, run as a user runs it: the launcher itself, not through {@code sh}. */
class AppFolderIT {

    private static final Path LAUNCHER = Path.of("target", "runflow-kafka", "bin", "runflow-kafka");

    @Test
    void shouldKeepTheLogOfAFreshDemoRun() throws IOException, InterruptedException {
        Path data = Path.of("target", "app-folder-it-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(data.resolve("archive"));
        Files.writeString(data.resolve("archive").resolve("stale.txt"), "from an earlier run");
        Files.writeString(data.resolve("demo.log"), "an earlier run's line\n");

        Process process = new ProcessBuilder(
                        LAUNCHER.toAbsolutePath().toString(),
                        "demo",
                        "--fresh",
                        "--data",
                        data.toString(),
                        "--orders",
                        "1",
                        "--timeout",
                        "PT120S")
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(150, TimeUnit.SECONDS))
                    .as("the demo ends")
                    .isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as(output).isZero();
        Matcher run = Pattern.compile("runflow-kafka demo (demo-[0-9a-z]+):").matcher(output);
        assertThat(run.find()).as(output).isTrue();

        assertThat(data.resolve("archive").resolve("stale.txt")).doesNotExist();
        assertThat(data.resolve("demo.log")).exists();
        assertThat(Files.readString(data.resolve("demo.log")))
                .as("the log of the run that cleared the folder")
                .contains(run.group(1) + " started");
    }

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
