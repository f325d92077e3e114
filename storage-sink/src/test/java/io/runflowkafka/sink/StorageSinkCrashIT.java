package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.MockSchemaRegistryExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills the sink's process (SIGKILL) in the middle of a job and starts it again: every job still ends with
 * exactly one archived event for read_committed readers, no manifest is partial, and the images the killed
 * process had written are kept rather than rewritten.
 */
class StorageSinkCrashIT {

    private static final int JOBS = 10;
    private static final int IMAGES = 60;
    private static final Pattern KEPT =
            Pattern.compile("sink_images_archived_total\\{[^}]*result=\"kept\"[^}]*} ([0-9.E]+)");

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();

    private static EmulatedRunflow runflow;
    private static LocalSchemaRegistryServer registryServer;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        runflow = new EmulatedRunflow(Duration.ofHours(24));
        // The sink runs in another JVM: it reaches this test's in-memory registry scope over REST.
        registryServer = LocalSchemaRegistryServer.start(REGISTRY.scope(), 0);
        work = Unique.directory("sink-crash");
    }

    @AfterAll
    static void stop() {
        registryServer.close();
        runflow.close();
    }

    @Test
    void shouldArchiveEveryJobExactlyOnceAfterTheSinkIsKilledMidJob() throws Exception {
        String completedTopic = Unique.topic("headshots.completed");
        String archivedTopic = Unique.topic("headshots.archived");
        String group = Unique.name("storage-sink");
        Path archive = work.resolve("archive");
        KAFKA.topics().create(completedTopic, 2);
        List<HeadshotsCompleted> jobs = runflow.generate(JOBS, Duration.ofHours(24));
        SinkFixtures.produce(
                KAFKA.clients().producerConfig(),
                completedTopic,
                REGISTRY.valueSerde(HeadshotsCompleted.class).serializer(),
                jobs);

        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        // Static membership: the restarted process takes the killed one's place without waiting for its session.
        env.put("KAFKA_GROUP_INSTANCE_ID", group + "-instance-1");
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("SCHEMA_REGISTRY_URL", registryServer.url());
        env.put("SINK_TOPIC_COMPLETED", completedTopic);
        env.put("SINK_TOPIC_ARCHIVED", archivedTopic);
        env.put("SINK_TOPIC_DLQ", completedTopic + ".dlq");
        env.put("SINK_GROUP_ID", group);
        env.put("SINK_TRANSACTIONAL_ID", group + "-1");
        env.put("SINK_ARCHIVE_DIR", archive.toString());
        env.put("SINK_URL_ALLOWED_HOSTS", runflow.imageAllowlistEntry());
        env.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put(
                "SINK_TLS_TRUSTSTORE",
                runflow.writeTrustStore(work.resolve("tls")).toString());
        env.put("SINK_TLS_TRUSTSTORE_PASSWORD", EmulatedRunflow.TRUST_PASSWORD);
        env.put("SINK_RETRY_BACKOFF_MS", "200");
        env.put("TOPICS_PARTITIONS", "2");
        // Slow enough, one job at a time, that the kill lands in the middle of one.
        Map<String, String> slow = new HashMap<>(env);
        slow.put("SINK_EVENTS_MAX_IN_FLIGHT", "1");
        slow.put("SINK_DOWNLOAD_CONCURRENCY", "1");
        slow.put("SINK_DOWNLOAD_PER_EVENT", "1");

        SinkProcess first = SinkProcess.start(slow, work.resolve("sink-first.log"));
        AtomicReference<Path> cutOff = new AtomicReference<>();
        try {
            Waits.await("a job archived and the next one under way", Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (manifests(archive) < 1) {
                            return false;
                        }
                        partialJob(archive).ifPresent(cutOff::set);
                        return cutOff.get() != null;
                    });
            first.kill();
        } finally {
            first.close();
        }
        Path partial = cutOff.get();
        int manifestsAtKill = manifests(archive);
        assertThat(partial.resolve("manifest.json"))
                .as("no manifest for the job that was cut off")
                .doesNotExist();
        assertThat(manifestsAtKill).isLessThan(JOBS);

        try (SinkProcess second = SinkProcess.start(env, work.resolve("sink-second.log"))) {
            SinkFixtures.awaitAllCommitted(KAFKA.bootstrapServers(), group, completedTopic, Duration.ofSeconds(120));

            HttpClient http = HttpClient.newHttpClient();
            String scrape = http.send(
                            HttpRequest.newBuilder(URI.create(second.opsUrl() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher kept = KEPT.matcher(scrape);
            assertThat(kept.find()).as("metrics list kept images").isTrue();
            assertThat(Double.parseDouble(kept.group(1)))
                    .as("images of the cut-off job were kept, not rewritten")
                    .isGreaterThanOrEqualTo(1);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(second.opsUrl() + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
        }

        List<ConsumerRecord<String, HeadshotsArchived>> events = KAFKA.clients()
                .readAllCommitted(
                        archivedTopic,
                        new StringDeserializer(),
                        REGISTRY.valueSerde(HeadshotsArchived.class).deserializer());
        Map<String, HeadshotsCompleted> byId =
                jobs.stream().collect(Collectors.toMap(HeadshotsCompleted::getHeadshotsId, Function.identity()));
        assertThat(events)
                .extracting(ConsumerRecord::key)
                .as("exactly one archived event per job")
                .containsExactlyInAnyOrderElementsOf(byId.keySet());
        for (ConsumerRecord<String, HeadshotsArchived> event : events) {
            SinkFixtures.assertArchived(event.value(), byId.get(event.key()), IMAGES, SinkFixtures.filesUnder(archive));
            Path folder = archive.resolve("headshots").resolve(event.key());
            assertThat(SinkFixtures.filesOf(folder))
                    .as("no temporary files left in " + folder)
                    .hasSize(IMAGES + 1);
            assertThat(Manifest.fromJson(Files.readAllBytes(folder.resolve("manifest.json")))
                            .images())
                    .hasSize(IMAGES);
        }
    }

    private static int manifests(Path archive) throws Exception {
        Path root = archive.resolve("headshots");
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> jobs = Files.list(root)) {
            return (int) jobs.filter(job -> Files.exists(job.resolve("manifest.json")))
                    .count();
        }
    }

    /** A job folder holding some images but no manifest yet. */
    private static Optional<Path> partialJob(Path archive) throws Exception {
        Path root = archive.resolve("headshots");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(root)) {
            for (Path job : jobs.toList()) {
                long images = SinkFixtures.filesOf(job).stream()
                        .filter(name -> name.endsWith(".jpg"))
                        .count();
                // Far enough in to have written something, far enough from the end that the kill lands first.
                if (!Files.exists(job.resolve("manifest.json")) && images >= 5 && images <= 40) {
                    return Optional.of(job);
                }
            }
        }
        return Optional.empty();
    }
}
