package io.runflowkafka.console;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the console needs: where it listens, the token, the Kafka cluster and registry it reads, the services it
 * asks for readiness, and where photos and the archive may be read from.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default)
 * @param port the port ({@code 0} picks a free one)
 * @param token the access token; required (at least {@value #MIN_TOKEN_LENGTH} characters) unless bound to loopback
 * @param bootstrapServers the Kafka bootstrap servers
 * @param kafkaProperties further Kafka client properties (security, SASL, TLS)
 * @param schemaRegistry the Avro serde's registry properties ({@code schema.registry.url}, {@code basic.auth.*})
 * @param topics the pipeline's topics
 * @param services each service's base URL, asked for {@code /health/ready}
 * @param archive the sink's archive, read-only
 * @param photoDir file:// photos under this folder get thumbnails; none otherwise
 */
public record ConsoleSettings(
        String host,
        int port,
        Optional<String> token,
        String bootstrapServers,
        Map<String, String> kafkaProperties,
        Map<String, Object> schemaRegistry,
        PipelineTopics topics,
        Map<String, URI> services,
        ArchiveSource archive,
        Optional<Path> photoDir) {

    /** Shortest token accepted. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** Checks the settings; a console bound beyond loopback without a token is refused. */
    public ConsoleSettings {
        token = token.filter(t -> !t.isBlank());
        if (token.isPresent() && token.get().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(
                    "the console token must have at least " + MIN_TOKEN_LENGTH + " characters");
        }
        if (!isLoopback(host) && token.isEmpty()) {
            throw new IllegalArgumentException(
                    "the console listens on " + host + ", beyond loopback: give it a token (--token or CONSOLE_TOKEN)");
        }
        for (Map.Entry<String, URI> service : services.entrySet()) {
            String scheme = service.getValue().getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException(
                        "service " + service.getKey() + ": its URL must be http or https, not " + service.getValue());
            }
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
        schemaRegistry = Map.copyOf(schemaRegistry);
        services = Map.copyOf(services);
    }

    /** Whether {@code host} names only loopback addresses (an IP literal or {@code localhost}). */
    public static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false; // a name other than localhost could resolve anywhere
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The pipeline's topics, as the services name them.
     *
     * @param uploaded uploads
     * @param accepted accepted photos
     * @param retake photos to retake
     * @param jobs Generate Headshots jobs
     * @param completed completion callbacks
     * @param archived archived jobs
     * @param deadLetters the dead-letter topics
     */
    public record PipelineTopics(
            String uploaded,
            String accepted,
            String retake,
            String jobs,
            String completed,
            String archived,
            List<String> deadLetters) {

        /** The names every service uses by default. */
        public static PipelineTopics defaults() {
            return new PipelineTopics(
                    "photos.uploaded",
                    "photos.accepted",
                    "photos.retake",
                    "headshots.jobs",
                    "headshots.completed",
                    "headshots.archived",
                    List.of("photos.uploaded.dlq", "headshots.jobs.dlq", "headshots.completed.dlq"));
        }

        /** Every topic, the dead-letter topics last. */
        public List<String> all() {
            return java.util.stream.Stream.concat(
                            java.util.stream.Stream.of(uploaded, accepted, retake, jobs, completed, archived),
                            deadLetters.stream())
                    .toList();
        }
    }
}
