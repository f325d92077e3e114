package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.emulator.CountersSnapshot;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.MockSchemaRegistryExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink in-process against a real broker, the Runflow emulator's HTTPS image URLs and the filesystem archive. */
class StorageSinkIT {

    private static final int IMAGES = 60;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();

    private static EmulatedRunflow runflow;
    private static Path trustStore;

    // The started sink's own, set by startSink.
    private Health health;
    private PrometheusMeterRegistry metrics;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private String completedTopic;
    private String archivedTopic;
    private String dlqTopic;
    private String group;
    private Path archive;
    private Serde<HeadshotsCompleted> completed;
    private Serde<HeadshotsArchived> archived;

    @BeforeAll
    static void startRunflow() throws Exception {
        runflow = new EmulatedRunflow(Duration.ofHours(24));
        trustStore = runflow.writeTrustStore(Unique.directory("sink-tls"));
    }

    @AfterAll
    static void stopRunflow() {
        runflow.close();
    }

    @BeforeEach
    void names() {
        completedTopic = Unique.topic("headshots.completed");
        archivedTopic = Unique.topic("headshots.archived");
        dlqTopic = Unique.topic("headshots.completed.dlq");
        group = Unique.name("storage-sink");
        archive = Unique.directory("archive");
        KAFKA.topics().create(completedTopic, 3);
        completed = REGISTRY.valueSerde(HeadshotsCompleted.class);
        archived = REGISTRY.valueSerde(HeadshotsArchived.class);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
    }

    private Map<String, String> env(String allowedHosts) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("SCHEMA_REGISTRY_URL", REGISTRY.url());
        env.put("SINK_TOPIC_COMPLETED", completedTopic);
        env.put("SINK_TOPIC_ARCHIVED", archivedTopic);
        env.put("SINK_TOPIC_DLQ", dlqTopic);
        env.put("SINK_GROUP_ID", group);
        env.put("SINK_TRANSACTIONAL_ID", group + "-1");
        env.put("SINK_ARCHIVE_DIR", archive.toString());
        env.put("SINK_URL_ALLOWED_HOSTS", allowedHosts);
        env.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
        env.put("SINK_TLS_TRUSTSTORE_PASSWORD", EmulatedRunflow.TRUST_PASSWORD);
        env.put("SINK_RETRY_BACKOFF_MS", "200");
        env.put("SINK_RETRY_MAX_BACKOFF_MS", "1000");
        env.put("SINK_DOWNLOAD_BACKOFF_MS", "20");
        env.put("TOPICS_PARTITIONS", "3");
        return env;
    }

    private StorageSink startSink(Map<String, String> env) throws Exception {
        StorageSink sink = StorageSink.start(SinkConfig.load(Optional.empty(), env));
        closeAfter.add(sink);
        health = sink.health();
        metrics = sink.registry();
        return sink;
    }

    private double counter(String name, String... tags) {
        var search = metrics.find(name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private List<ConsumerRecord<String, HeadshotsArchived>> archivedEvents() {
        return KAFKA.clients().readAllCommitted(archivedTopic, new StringDeserializer(), archived.deserializer());
    }

    private List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return KAFKA.clients().readAllCommitted(dlqTopic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void shouldArchiveTenJobsOfSixtyImagesWithOneArchivedEventEach() throws Exception {
        List<HeadshotsCompleted> jobs = runflow.generate(10, Duration.ofHours(24));
        List<HeadshotsCompleted> input = new ArrayList<>(jobs);
        input.add(HeadshotsCompleted.newBuilder(jobs.get(0))
                .setDeliveryId("repeated-callback")
                .build());
        SinkFixtures.produce(KAFKA.clients().producerConfig(), completedTopic, completed.serializer(), input);

        StorageSink sink = startSink(env(runflow.imageAllowlistEntry()));
        SinkFixtures.awaitAllCommitted(KAFKA.bootstrapServers(), group, completedTopic, Duration.ofSeconds(120));

        List<ConsumerRecord<String, HeadshotsArchived>> events = archivedEvents();
        assertThat(events)
                .extracting(ConsumerRecord::key)
                .as("one archived event per job, none for the repeat")
                .containsExactlyInAnyOrderElementsOf(
                        jobs.stream().map(HeadshotsCompleted::getHeadshotsId).toList());
        Map<String, HeadshotsCompleted> byId =
                jobs.stream().collect(Collectors.toMap(HeadshotsCompleted::getHeadshotsId, Function.identity()));
        for (ConsumerRecord<String, HeadshotsArchived> event : events) {
            SinkFixtures.assertArchived(event.value(), byId.get(event.key()), IMAGES, SinkFixtures.filesUnder(archive));
            assertThat(event.value().getArchiveUri())
                    .isEqualTo(archive.toAbsolutePath()
                            .normalize()
                            .toUri()
                            .toString()
                            .replaceAll("/$", ""));
            assertThat(SinkFixtures.filesOf(archive.resolve("headshots").resolve(event.key())))
                    .as("60 images and the manifest, no temporary files")
                    .hasSize(IMAGES + 1)
                    .contains("manifest.json");
        }
        assertThat(deadLetters()).isEmpty();
        assertThat(counter("sink.events.archived")).isEqualTo(10);
        assertThat(counter("sink.events.repeated")).isEqualTo(1);
        assertThat(counter("sink.images.archived")).isEqualTo(10 * IMAGES);
        assertThat(metrics.scrape()).contains("sink_archive_expiry_margin_seconds_bucket");
        assertThat(health.ready()).isTrue();
        HttpClient http = HttpClient.newHttpClient();
        URI ops = URI.create("http://127.0.0.1:" + sink.opsPort());
        assertThat(http.send(
                                HttpRequest.newBuilder(ops.resolve("/health/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .as("the sink's own operations server is up")
                .isEqualTo(200);
        assertThat(http.send(
                                HttpRequest.newBuilder(ops.resolve("/metrics")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .as("the sink's meters and the JVM's")
                .contains("sink_events_archived_total")
                .contains("jvm_memory_used_bytes");

        sink.close();
        assertThat(sink.stoppedForGood())
                .as("a stop asked for is not a stop for good")
                .isNotDone();
        assertThat(sink.isStopped()).isTrue();
    }

    @Test
    void shouldDeadLetterExpiredGoneRefusedAndUndecodableEventsWithTheirReasons() throws Exception {
        HeadshotsCompleted pastExpiry =
                runflow.generate(1, Duration.ofHours(24)).get(0);
        pastExpiry = HeadshotsCompleted.newBuilder(pastExpiry)
                .setExpiresAt(Instant.now().minusSeconds(60))
                .build();
        HeadshotsCompleted refused = HeadshotsCompleted.newBuilder(
                        runflow.generate(1, Duration.ofHours(24)).get(0))
                .setImageUrls(List.of("http://" + runflow.imageHost() + "/cdn/headshots/x/001.jpg"))
                .build();
        HeadshotsCompleted gone;
        try (EmulatedRunflow shortLived = new EmulatedRunflow(Duration.ofMillis(500))) {
            gone = shortLived.generate(1, Duration.ofHours(1)).get(0);
            awaitGone(gone.getImageUrls().get(0));
            SinkFixtures.produce(
                    KAFKA.clients().producerConfig(),
                    completedTopic,
                    completed.serializer(),
                    List.of(pastExpiry, refused, gone));
            SinkFixtures.produceRaw(
                    KAFKA.clients().producerConfig(),
                    completedTopic,
                    "garbage".getBytes(StandardCharsets.UTF_8),
                    new byte[] {0, 0, 0, 0, 99, 1, 2});
            CountersSnapshot before = runflow.emulator().counters().snapshot();

            // Two emulators, two ports: each is its own allowlist entry.
            startSink(env(runflow.imageAllowlistEntry() + "," + shortLived.imageAllowlistEntry()));
            SinkFixtures.awaitAllCommitted(KAFKA.bootstrapServers(), group, completedTopic, Duration.ofSeconds(60));

            assertThat(shortLived.emulator().counters().snapshot().imagesExpired())
                    .as("the gone URLs were tried")
                    .isGreaterThanOrEqualTo(IMAGES);
            assertThat(runflow.emulator().counters().snapshot().imagesServed())
                    .as("no URL of an expired or refused event was fetched")
                    .isEqualTo(before.imagesServed());
        }

        Map<String, ConsumerRecord<byte[], byte[]>> dead = deadLetters().stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), Function.identity()));
        assertThat(dead).hasSize(4);
        assertThat(header(dead.get(pastExpiry.getHeadshotsId()), DeadLetterHeaders.STAGE))
                .isEqualTo("expired");
        assertThat(header(dead.get(pastExpiry.getHeadshotsId()), DeadLetterHeaders.MESSAGE))
                .contains("lost 60 of 60 images");
        assertThat(header(dead.get(gone.getHeadshotsId()), DeadLetterHeaders.STAGE))
                .isEqualTo("expired");
        assertThat(header(dead.get(gone.getHeadshotsId()), DeadLetterHeaders.MESSAGE))
                .contains("lost 60 of 60 images")
                .contains("HTTP 410");
        assertThat(header(dead.get(refused.getHeadshotsId()), DeadLetterHeaders.STAGE))
                .isEqualTo("url-policy");
        assertThat(header(dead.get(refused.getHeadshotsId()), DeadLetterHeaders.MESSAGE))
                .contains("only https");
        assertThat(header(dead.get("garbage"), DeadLetterHeaders.STAGE)).isEqualTo("decode");
        assertThat(dead.get("garbage").value()).containsExactly(0, 0, 0, 0, 99, 1, 2);
        assertThat(header(dead.get(gone.getHeadshotsId()), DeadLetterHeaders.TOPIC))
                .isEqualTo(completedTopic);
        assertThat(archivedEvents()).isEmpty();
        assertThat(counter("sink.images.lost")).isEqualTo(2 * IMAGES);
        assertThat(counter("sink.dlq.events", "stage", "expired")).isEqualTo(2);
        assertThat(Files.exists(archive.resolve("headshots")
                        .resolve(gone.getHeadshotsId())
                        .resolve("manifest.json")))
                .isFalse();
    }

    @Test
    void shouldHoldTheEventWhileImagesFailAndArchiveItOnceTheyRecover() throws Exception {
        HeadshotsCompleted generated = runflow.generate(1, Duration.ofHours(24)).get(0);
        try (FlakyCdn cdn = new FlakyCdn(runflow.emulator())) {
            HeadshotsCompleted job = HeadshotsCompleted.newBuilder(generated)
                    .setImageUrls(cdn.through(generated.getImageUrls()))
                    .build();
            cdn.failWith(500);
            SinkFixtures.produce(
                    KAFKA.clients().producerConfig(), completedTopic, completed.serializer(), List.of(job));
            Map<String, String> env = env(cdn.allowlistEntry());
            env.put("SINK_TLS_TRUSTSTORE", FlakyCdn.trustStore().toString());
            env.put("SINK_TLS_TRUSTSTORE_PASSWORD", "test-only");

            startSink(env);
            Waits.await("the sink to retry the event after HTTP 500s", Duration.ofSeconds(60))
                    .until(() -> counter("sink.retries", "stage", "download") >= 2);
            assertThat(cdn.failuresServed()).isGreaterThanOrEqualTo(IMAGES);
            assertThat(SinkFixtures.committed(KAFKA.bootstrapServers(), group, completedTopic))
                    .as("no offset moves")
                    .isZero();
            assertThat(archivedEvents()).isEmpty();

            cdn.recover();
            SinkFixtures.awaitAllCommitted(KAFKA.bootstrapServers(), group, completedTopic, Duration.ofSeconds(60));

            List<ConsumerRecord<String, HeadshotsArchived>> events = archivedEvents();
            assertThat(events).hasSize(1);
            SinkFixtures.assertArchived(events.get(0).value(), job, IMAGES, SinkFixtures.filesUnder(archive));
            assertThat(deadLetters()).isEmpty();
        }
    }

    private static void awaitGone(String url) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(RunflowEmulator.devTrustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        Waits.await("the short-lived image URLs to answer 410", Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(url)).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 410);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
