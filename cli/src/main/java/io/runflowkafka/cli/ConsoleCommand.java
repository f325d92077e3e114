package io.runflowkafka.cli;

import io.runflowkafka.console.ArchiveSource;
import io.runflowkafka.console.Console;
import io.runflowkafka.console.ConsoleSettings;
import io.runflowkafka.sink.archive.S3ArchiveStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code runflow-kafka console}: the pipeline's web console, read-only beside the services, until SIGTERM. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Serve the pipeline console: topics, lag, readiness, orders, archived headshots, dead letters.")
public final class ConsoleCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--host",
            defaultValue = "${env:CONSOLE_HOST:-127.0.0.1}",
            description =
                    "Interface to listen on (env CONSOLE_HOST; default ${DEFAULT-VALUE}); beyond loopback a token is required.")
    String host;

    @Option(
            names = "--port",
            defaultValue = "${env:CONSOLE_PORT:-8070}",
            description = "Port (env CONSOLE_PORT; default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--token",
            defaultValue = "${env:CONSOLE_TOKEN}",
            description = "Access token, at least 16 characters (env CONSOLE_TOKEN); open the console with ?token=...")
    String token;

    @Option(
            names = "--token-file",
            defaultValue = "${env:CONSOLE_TOKEN_FILE}",
            description = "Read the token from this file instead (env CONSOLE_TOKEN_FILE).")
    Path tokenFile;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "Schema Registry URL (env SCHEMA_REGISTRY_URL; default ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(
            names = "--service",
            paramLabel = "NAME=URL",
            split = ",",
            defaultValue = "${env:CONSOLE_SERVICES}",
            description =
                    "A service whose GET URL/health/ready is shown, e.g. processor=http://localhost:8080; repeatable"
                            + " (env CONSOLE_SERVICES, comma-separated).")
    Map<String, URI> services = new LinkedHashMap<>();

    @Option(
            names = "--archive",
            defaultValue = "${env:CONSOLE_ARCHIVE:-filesystem}",
            description =
                    "The sink's archive back end: filesystem or s3 (env CONSOLE_ARCHIVE; default ${DEFAULT-VALUE}).")
    String archive;

    @Option(
            names = "--archive-dir",
            defaultValue = "${env:CONSOLE_ARCHIVE_DIR:-./data/archive}",
            description = "The sink's sink.archive.dir (env CONSOLE_ARCHIVE_DIR; default ${DEFAULT-VALUE}).")
    Path archiveDir;

    @Option(
            names = "--s3-bucket",
            defaultValue = "${env:CONSOLE_S3_BUCKET}",
            description = "Bucket (env CONSOLE_S3_BUCKET).")
    String s3Bucket;

    @Option(
            names = "--s3-prefix",
            defaultValue = "${env:CONSOLE_S3_PREFIX:-}",
            description = "Key prefix in the bucket (env CONSOLE_S3_PREFIX).")
    String s3Prefix;

    @Option(
            names = "--s3-endpoint",
            defaultValue = "${env:CONSOLE_S3_ENDPOINT}",
            description = "Endpoint of an S3-compatible server (env CONSOLE_S3_ENDPOINT).")
    URI s3Endpoint;

    @Option(
            names = "--s3-region",
            defaultValue = "${env:CONSOLE_S3_REGION:-us-east-1}",
            description = "Signing region (env CONSOLE_S3_REGION; default ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(
            names = "--s3-path-style",
            defaultValue = "${env:CONSOLE_S3_PATH_STYLE:-false}",
            description = "Path-style addressing, as MinIO wants (env CONSOLE_S3_PATH_STYLE).")
    boolean s3PathStyle;

    @Option(
            names = "--photo-dir",
            defaultValue = "${env:CONSOLE_PHOTO_DIR}",
            description =
                    "file:// photos under this folder get thumbnails; other photos are shown by address (env CONSOLE_PHOTO_DIR).")
    Path photoDir;

    @Option(
            names = "--topic",
            paramLabel = "LABEL=NAME",
            description = "A topic not under its default name, by label: uploaded, accepted, retake, jobs, completed,"
                    + " archived, uploaded-dlq, jobs-dlq, completed-dlq; repeatable.")
    Map<String, String> topics = new LinkedHashMap<>();

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description = "Any Kafka client property (security.protocol, sasl.*, ssl.*); repeatable.")
    Map<String, String> kafkaProperties = new HashMap<>();

    @Option(
            names = "--registry-property",
            paramLabel = "KEY=VALUE",
            description = "Any Schema Registry serde property (basic.auth.credentials.source, ...); repeatable.")
    Map<String, String> registryProperties = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        ConsoleSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try (Console console = Console.start(settings)) {
            spec.commandLine().getOut().printf("console on %s (Ctrl-C to stop)%n", console.baseUrl());
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    ConsoleSettings settings() throws IOException {
        Optional<String> secret = Optional.ofNullable(token);
        if (tokenFile != null) {
            secret = Optional.of(
                    Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        }
        Map<String, Object> registry = new HashMap<>(registryProperties);
        registry.put("schema.registry.url", registryUrl);
        ArchiveSource source = switch (archive) {
            case "filesystem" -> new ArchiveSource.Folder(archiveDir);
            case "s3" -> {
                if (s3Bucket == null || s3Bucket.isBlank()) {
                    throw new IllegalArgumentException("--archive s3 needs --s3-bucket");
                }
                yield new ArchiveSource.S3(new S3ArchiveStore.Settings(
                        s3Bucket, s3Prefix, Optional.ofNullable(s3Endpoint), s3PathStyle, s3Region, false));
            }
            default -> throw new IllegalArgumentException("--archive is filesystem or s3, not " + archive);
        };
        return new ConsoleSettings(
                host,
                port,
                secret,
                bootstrapServers,
                kafkaProperties,
                registry,
                ConsoleSettings.PipelineTopics.defaults().with(topics),
                services,
                source,
                Optional.ofNullable(photoDir));
    }
}
