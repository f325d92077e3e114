package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option parsing, help and environment overrides of the {@code runflow-kafka} command. */
class CliTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine line = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void shouldListEverySubcommand() {
        Run help = run("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("demo", "processor", "bridge", "sink", "console", "emulator", "dlq", "schemas");
    }

    @Test
    void shouldRefuseAConsoleBeyondLoopbackWithoutAToken() {
        Run console = run("console", "--host", "0.0.0.0", "--port", "0");

        assertThat(console.exit()).isEqualTo(2);
        assertThat(console.err()).contains("beyond loopback: give it a token (--token or CONSOLE_TOKEN)");
        assertThat(run("console", "--host", "127.0.0.1", "--token", "short").err())
                .contains("at least 16 characters");
        assertThat(run("console", "--archive", "s3").err()).contains("--archive s3 needs --s3-bucket");
        assertThat(run("console", "--topic", "uploads=photos").err()).contains("no topic labelled uploads");
    }

    @Test
    void shouldDescribeTheConsoleOptionsWithTheirVariables() {
        Run help = run("console", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")) // picocli wraps the descriptions
                .contains(
                        "CONSOLE_HOST; default 127.0.0.1",
                        "CONSOLE_PORT; default 8070",
                        "CONSOLE_TOKEN",
                        "CONSOLE_SERVICES",
                        "CONSOLE_ARCHIVE_DIR; default ./data/archive",
                        "CONSOLE_PHOTO_DIR");
    }

    @Test
    void shouldListEachServiceKeyWithItsVariableInHelp() {
        Run help = run("processor", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains(
                        "processor.max-in-flight / PROCESSOR_MAX_IN_FLIGHT (default: 64)",
                        "runflow.api-key / RUNFLOW_API_KEY",
                        "--config");
        assertThat(run("sink", "--help").out()).contains("sink.archive.dir / SINK_ARCHIVE_DIR");
        assertThat(run("bridge", "--help").out()).contains("bridge.callback-secrets / BRIDGE_CALLBACK_SECRETS");
    }

    @Test
    void shouldExplainAMissingRequiredOption() {
        Run replay = run("dlq", "replay");

        assertThat(replay.exit()).isEqualTo(2);
        assertThat(replay.err()).contains("--topic");
    }

    @Test
    void shouldRejectAnUnknownOption() {
        Run demo = run("demo", "--no-such-option");

        assertThat(demo.exit()).isEqualTo(2);
        assertThat(demo.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void shouldTakeOptionsAndServiceKeysFromTheEnvironment() throws Exception {
        // Environment variables are read once per process, so this runs the command in a fresh JVM.
        Map<String, String> env = Map.of(
                "PROCESSOR_MAX_IN_FLIGHT",
                "77",
                "RUNFLOW_API_KEY",
                "rk_secret_value",
                "KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "processor",
                "--print-config");
        builder.environment().putAll(env);
        String output = output(builder.redirectErrorStream(true).start());

        assertThat(output)
                .contains(
                        "processor.max-in-flight = 77",
                        "kafka.security.protocol = SASL_SSL",
                        "runflow.api-key = [hidden]")
                .doesNotContain("rk_secret_value");
    }

    private static String output(Process process) throws IOException, InterruptedException {
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }

    @Test
    void shouldDescribeTheDemoAndEmulatorOptions() {
        assertThat(run("demo", "--help").out())
                .contains("--keep-running", "--images", "--fresh", "--data", "RUNFLOW_DEMO_DATA");
        Run emulator = run("emulator", "--help");
        assertThat(emulator.exit()).isZero();
        assertThat(emulator.out()).contains("--port");
    }
}
