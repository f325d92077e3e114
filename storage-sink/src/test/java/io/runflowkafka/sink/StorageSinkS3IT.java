package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.MockSchemaRegistryExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The sink in-process archiving to an in-process S3-compatible server (s3proxy), with credentials from the
 * default AWS provider chain (here the {@code aws.accessKeyId} / {@code aws.secretAccessKey} system properties).
 */
class StorageSinkS3IT {

    private static final int IMAGES = 60;
    private static final String BUCKET = "headshots-archive";
    private static final String PREFIX = "archive/it";

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
    private InProcessS3 s3;
    private S3Client client;
    private String completedTopic;
    private String archivedTopic;
    private String group;

    @BeforeAll
    static void startRunflow() throws Exception {
        runflow = new EmulatedRunflow(Duration.ofHours(24));
        trustStore = runflow.writeTrustStore(Unique.directory("sink-tls"));
        System.setProperty("aws.accessKeyId", InProcessS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", InProcessS3.SECRET_KEY);
    }

    @AfterAll
    static void stopRunflow() {
        runflow.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    void create() throws Exception {
        s3 = new InProcessS3();
        client = s3.client();
        completedTopic = Unique.topic("headshots.completed");
        archivedTopic = Unique.topic("headshots.archived");
        group = Unique.name("storage-sink");
        KAFKA.topics().create(completedTopic, 3);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
        client.close();
        s3.close();
    }

    private StorageSink startSink() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("SCHEMA_REGISTRY_URL", REGISTRY.url());
        env.put("SINK_TOPIC_COMPLETED", completedTopic);
        env.put("SINK_TOPIC_ARCHIVED", archivedTopic);
        env.put("SINK_TOPIC_DLQ", completedTopic + ".dlq");
        env.put("SINK_GROUP_ID", group);
        env.put("SINK_TRANSACTIONAL_ID", group + "-1");
        env.put("SINK_ARCHIVE", "s3");
        env.put("SINK_S3_BUCKET", BUCKET);
        env.put("SINK_S3_PREFIX", PREFIX);
        env.put("SINK_S3_ENDPOINT", s3.endpoint().toString());
        env.put("SINK_S3_PATH_STYLE", "true");
        env.put("SINK_URL_ALLOWED_HOSTS", runflow.imageAllowlistEntry());
        env.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
        env.put("SINK_TLS_TRUSTSTORE_PASSWORD", EmulatedRunflow.TRUST_PASSWORD);
        env.put("SINK_RETRY_BACKOFF_MS", "200");
        env.put("SINK_RETRY_MAX_BACKOFF_MS", "1000");
        StorageSink sink = StorageSink.start(SinkConfig.load(Optional.empty(), env));
        closeAfter.add(sink);
        health = sink.health();
        metrics = sink.registry();
        return sink;
    }

    private byte[] object(String key) {
        return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(PREFIX + "/" + key))
                .asByteArray();
    }

    private List<ConsumerRecord<String, HeadshotsArchived>> archivedEvents() {
        Serde<HeadshotsArchived> archived = REGISTRY.valueSerde(HeadshotsArchived.class);
        return KAFKA.clients().readAllCommitted(archivedTopic, new StringDeserializer(), archived.deserializer());
    }

    private void produce(List<HeadshotsCompleted> jobs) throws Exception {
        SinkFixtures.produce(
                KAFKA.clients().producerConfig(),
                completedTopic,
                REGISTRY.valueSerde(HeadshotsCompleted.class).serializer(),
                jobs);
    }

    @Test
    void shouldArchiveTenJobsOfSixtyImagesToS3WithOneArchivedEventEach() throws Exception {
        s3.start();
        client.createBucket(b -> b.bucket(BUCKET));
        List<HeadshotsCompleted> jobs = runflow.generate(10, Duration.ofHours(24));
        produce(jobs);

        startSink();
        SinkFixtures.awaitAllCommitted(KAFKA.bootstrapServers(), group, completedTopic, Duration.ofSeconds(120));

        Map<String, HeadshotsCompleted> byId =
                jobs.stream().collect(Collectors.toMap(HeadshotsCompleted::getHeadshotsId, Function.identity()));
        List<ConsumerRecord<String, HeadshotsArchived>> events = archivedEvents();
        assertThat(events).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(byId.keySet());
        for (ConsumerRecord<String, HeadshotsArchived> event : events) {
            assertThat(event.value().getArchiveUri()).isEqualTo("s3://" + BUCKET + "/" + PREFIX);
            SinkFixtures.assertArchived(event.value(), byId.get(event.key()), IMAGES, this::object);
            var head = client.headObject(b -> b.bucket(BUCKET)
                    .key(PREFIX + "/" + event.value().getObjects().get(0).getKey()));
            assertThat(head.contentType()).isEqualTo("image/jpeg");
            assertThat(head.metadata())
                    .containsEntry("sha256", event.value().getObjects().get(0).getSha256());
        }
        assertThat(
                        client
                                .listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "/headshots/"))
                                .contents()
                                .stream()
                                .count())
                .isEqualTo(10L * (IMAGES + 1));
    }

    @Test
    void shouldHoldEventsWhileTheArchiveIsDownAndArchiveThemWhenItIsBack() throws Exception {
        List<HeadshotsCompleted> jobs = runflow.generate(2, Duration.ofHours(24));
        produce(jobs);

        startSink();
        Waits.await("the sink to retry while S3 is down", Duration.ofSeconds(60))
                .until(() -> metrics.find("sink.retries").tags("stage", "archive").counters().stream()
                                .mapToDouble(c -> c.count())
                                .sum()
                        >= 2);
        assertThat(health.ready()).as("not ready while the archive is down").isFalse();
        assertThat(health.components().get("archive").up()).isFalse();
        assertThat(SinkFixtures.committed(KAFKA.bootstrapServers(), group, completedTopic))
                .as("no offset moves")
                .isZero();

        s3.start();
        client.createBucket(b -> b.bucket(BUCKET));
        SinkFixtures.awaitAllCommitted(KAFKA.bootstrapServers(), group, completedTopic, Duration.ofSeconds(60));

        assertThat(archivedEvents())
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(
                        jobs.stream().map(HeadshotsCompleted::getHeadshotsId).toList());
        Waits.await("the archive to be reported up again")
                .until(() -> health.components().get("archive").up());
    }
}
