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
            if (service.getValue().getRawUserInfo() != null) {
                // The URL is shown on the page: a password in it would be too.
                throw new IllegalArgumentException(
                        "service " + service.getKey() + ": its URL must not carry credentials");
            }
        }
        photoDir.ifPresent(dir -> {
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new IllegalArgumentException("the photo folder " + dir + " is not a folder");
            }
        });
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

        /**
         * These names with some replaced, by label: {@code uploaded}, {@code accepted}, {@code retake}, {@code jobs},
         * {@code completed}, {@code archived}, {@code uploaded-dlq}, {@code jobs-dlq}, {@code completed-dlq}.
         *
         * @throws IllegalArgumentException for an unknown label or a blank name
         */
        public PipelineTopics with(Map<String, String> names) {
            Map<String, String> all = new java.util.LinkedHashMap<>();
            all.put("uploaded", uploaded);
            all.put("accepted", accepted);
            all.put("retake", retake);
            all.put("jobs", jobs);
            all.put("completed", completed);
            all.put("archived", archived);
            List<String> dlqLabels = List.of("uploaded-dlq", "jobs-dlq", "completed-dlq");
            for (int i = 0; i < dlqLabels.size(); i++) {
                all.put(dlqLabels.get(i), i < deadLetters.size() ? deadLetters.get(i) : null);
            }
            names.forEach((label, name) -> {
                if (!all.containsKey(label)) {
                    throw new IllegalArgumentException("no topic labelled " + label + "; labels are " + all.keySet());
                }
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("topic " + label + " needs a name");
                }
                all.put(label, name.strip());
            });
            return new PipelineTopics(
                    all.get("uploaded"),
                    all.get("accepted"),
                    all.get("retake"),
                    all.get("jobs"),
                    all.get("completed"),
                    all.get("archived"),
                    dlqLabels.stream()
                            .map(all::get)
                            .filter(java.util.Objects::nonNull)
                            .toList());
        }

        /** The dead-letter topic of uploads (the first of {@link #deadLetters}, label {@code uploaded-dlq}). */
        public String uploadedDeadLetters() {
            return deadLetters.isEmpty() ? null : deadLetters.get(0);
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
