package io.runflowkafka.cli.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A command-line tool on the PATH (docker-compose, kubectl), run with a time limit. */
final class ExternalTool {

    /** How a run ended: exit code and the combined output. */
    record Result(int exitCode, String output) {}

    private final Path executable;

    private ExternalTool(Path executable) {
        this.executable = executable;
    }

    /** The tool when it is on the PATH. */
    static Optional<ExternalTool> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new ExternalTool(candidate));
            }
        }
        return Optional.empty();
    }

    /** Runs the tool in {@code directory}; {@code environment} adjusts the inherited environment. */
    Result run(Path directory, Consumer<Map<String, String>> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        environment.accept(builder.environment());
        try {
            Path logs = Files.createDirectories(DeployTree.root().resolve("cli/target/deploy-tools"));
            Path output = Files.createTempFile(logs, executable.getFileName().toString(), ".log");
            try {
                Process process = builder.redirectOutput(output.toFile()).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish within 60 s");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
