package io.runflowkafka.processor.status;

import static io.runflowkafka.processor.status.StatusEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.internal.JobState;
import io.runflowkafka.processor.internal.JobStatus;
import io.runflowkafka.processor.internal.SubmissionRequest;
import io.runflowkafka.processor.internal.SubmissionTrigger;
import io.runflowkafka.processor.orders.AvroBinarySerde;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobStatusTopologyTest {

    private static final String SCOPE = "job-status-topology-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final StatusTopics TOPICS = ProcessorConfig.defaults().statusTopics();
    private static final String HEADSHOTS_ID = "a1b2c3d4-e5f6-4890-abcd-ef1234567890";

    private final Serde<HeadshotJob> jobSerde = AvroSerdes.specific(HeadshotJob.class, REGISTRY, false);
    private final Serde<HeadshotsCompleted> completedSerde =
            AvroSerdes.specific(HeadshotsCompleted.class, REGISTRY, false);
    private final Serde<HeadshotsArchived> archivedSerde =
            AvroSerdes.specific(HeadshotsArchived.class, REGISTRY, false);
    private TopologyTestDriver driver;
    private TestInputTopic<String, HeadshotJob> jobs;
    private TestInputTopic<String, HeadshotsCompleted> completed;
    private TestInputTopic<String, HeadshotsArchived> archived;
    private TestInputTopic<String, byte[]> completedDeadLetters;
    private TestInputTopic<String, byte[]> jobsDeadLetters;
    private KeyValueStore<String, JobStatus> byHeadshotsId;
    private KeyValueStore<String, JobStatus> byOrderId;

    @BeforeEach
    void start() {
        StreamsBuilder builder =
                JobStatusTopology.addTo(new StreamsBuilder(), TOPICS, jobSerde, completedSerde, archivedSerde);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "job-status-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Path.of("target", "topology-test-state", UUID.randomUUID().toString())
                        .toAbsolutePath()
                        .toString());
        driver = new TopologyTestDriver(builder.build(), props, T0);
        StringSerializer keys = new StringSerializer();
        jobs = driver.createInputTopic(TOPICS.jobs(), keys, jobSerde.serializer());
        completed = driver.createInputTopic(TOPICS.completed(), keys, completedSerde.serializer());
        archived = driver.createInputTopic(TOPICS.archived(), keys, archivedSerde.serializer());
        completedDeadLetters = driver.createInputTopic(TOPICS.completedDeadLetter(), keys, new ByteArraySerializer());
        jobsDeadLetters = driver.createInputTopic(TOPICS.jobsDeadLetter(), keys, new ByteArraySerializer());
        byHeadshotsId = driver.getKeyValueStore(JobStatusTopology.BY_HEADSHOTS_ID_STORE);
        byOrderId = driver.getKeyValueStore(JobStatusTopology.BY_ORDER_ID_STORE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldShowASubmittedJobUnderBothIds() {
        jobs.pipeInput("order-1", StatusEvents.job("order-1", HEADSHOTS_ID));

        JobStatus status = byOrderId.get("order-1");
        assertThat(status.getState()).isEqualTo(JobState.SUBMITTED);
        assertThat(status.getHeadshotsId()).isEqualTo(HEADSHOTS_ID);
        assertThat(status.getJobRef()).isEqualTo("ref-order-1");
        assertThat(status.getInputImages()).isEqualTo(2);
        assertThat(status.getSubmittedAt()).isEqualTo(T0.toEpochMilli());
        assertThat(byHeadshotsId.get(HEADSHOTS_ID)).isEqualTo(status);
    }

    @Test
    void shouldSkipEventsThatDoNotDecodeAndKeepFollowingTheJob() {
        StringSerializer keys = new StringSerializer();
        byte[] junk = "not avro".getBytes(StandardCharsets.UTF_8);
        driver.createInputTopic(TOPICS.jobs(), keys, new ByteArraySerializer()).pipeInput("order-1", junk);
        jobs.pipeInput("order-1", StatusEvents.job("order-1", HEADSHOTS_ID));
        driver.createInputTopic(TOPICS.completed(), keys, new ByteArraySerializer())
                .pipeInput(HEADSHOTS_ID, junk);
        driver.createInputTopic(TOPICS.archived(), keys, new ByteArraySerializer())
                .pipeInput(HEADSHOTS_ID, junk);

        assertThat(byOrderId.get("order-1").getState()).isEqualTo(JobState.SUBMITTED);
        completed.pipeInput(HEADSHOTS_ID, StatusEvents.completed("order-1", HEADSHOTS_ID));
        assertThat(byOrderId.get("order-1").getState()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void shouldFollowAJobThroughCompletionAndArchiving() {
        jobs.pipeInput("order-1", StatusEvents.job("order-1", HEADSHOTS_ID));
        completed.pipeInput(HEADSHOTS_ID, StatusEvents.completed("order-1", HEADSHOTS_ID));

        assertThat(byOrderId.get("order-1").getState()).isEqualTo(JobState.COMPLETED);
        assertThat(byOrderId.get("order-1").getImageCount()).isEqualTo(60);

        archived.pipeInput(HEADSHOTS_ID, StatusEvents.archived("order-1", HEADSHOTS_ID));

        JobStatus status = byOrderId.get("order-1");
        assertThat(status.getState()).isEqualTo(JobState.ARCHIVED);
        assertThat(status.getArchiveUri()).isEqualTo("file:///data/archive");
        assertThat(status.getOrderId()).isEqualTo("order-1");
        assertThat(status.getCompletedAt()).isEqualTo(T0.plusSeconds(3600).toEpochMilli());
        assertThat(byHeadshotsId.get(HEADSHOTS_ID).getState()).isEqualTo(JobState.ARCHIVED);
    }

    @Test
    void shouldMergeACompletionThatArrivesBeforeItsJob() {
        completed.pipeInput(HEADSHOTS_ID, StatusEvents.completed("order-1", HEADSHOTS_ID));

        assertThat(byHeadshotsId.get(HEADSHOTS_ID).getState()).isEqualTo(JobState.COMPLETED);
        assertThat(byOrderId.get("order-1")).as("the order is not known yet").isNull();

        jobs.pipeInput("order-1", StatusEvents.job("order-1", HEADSHOTS_ID));

        JobStatus status = byOrderId.get("order-1");
        assertThat(status.getState()).as("a later state is not undone").isEqualTo(JobState.COMPLETED);
        assertThat(status.getUserId()).isEqualTo("user-order-1");
    }

    @Test
    void shouldMarkAJobFailedWhenItsImagesCouldNotBeArchived() {
        jobs.pipeInput("order-1", StatusEvents.job("order-1", HEADSHOTS_ID));
        completed.pipeInput(HEADSHOTS_ID, StatusEvents.completed("order-1", HEADSHOTS_ID));
        completedDeadLetters.pipeInput(new TestRecord<>(
                HEADSHOTS_ID,
                new byte[] {0, 1, 2},
                StatusEvents.sinkDeadLetterHeaders("download", "image 3 answered HTTP 410 (expired)"),
                T0));

        JobStatus status = byOrderId.get("order-1");
        assertThat(status.getState()).isEqualTo(JobState.FAILED);
        assertThat(status.getFailureStage()).isEqualTo("archive");
        assertThat(status.getFailureReason()).isEqualTo("download: image 3 answered HTTP 410 (expired)");
        assertThat(status.getFailedAt()).isEqualTo(T0.plusSeconds(3650).toEpochMilli());
    }

    @Test
    void shouldReadADeadLetterTheSinkWroteUnderItsOlderHeaderNames() {
        jobs.pipeInput("order-1", StatusEvents.job("order-1", HEADSHOTS_ID));
        Headers older = new RecordHeaders();
        older.add("dlq.error.stage", "expired".getBytes(StandardCharsets.UTF_8));
        older.add("dlq.error.message", "job lost 60 of 60 images".getBytes(StandardCharsets.UTF_8));
        older.add("dlq.failed.at", T0.plusSeconds(3650).toString().getBytes(StandardCharsets.UTF_8));
        completedDeadLetters.pipeInput(new TestRecord<>(HEADSHOTS_ID, new byte[] {0, 1, 2}, older, T0));

        JobStatus status = byOrderId.get("order-1");
        assertThat(status.getState()).isEqualTo(JobState.FAILED);
        assertThat(status.getFailureReason()).isEqualTo("expired: job lost 60 of 60 images");
        assertThat(status.getFailedAt()).isEqualTo(T0.plusSeconds(3650).toEpochMilli());
    }

    @Test
    void shouldMarkAnOrderFailedWhenRunflowRefusedItsSubmission() {
        SubmissionRequest refused = SubmissionRequest.newBuilder()
                .setOrderId("order-9")
                .setUserId("user-9")
                .setJobRef("ref-9")
                .setInputImageUrls(List.of("https://img.example/9.jpg"))
                .setUploadIds(List.of("u9"))
                .setTrigger(SubmissionTrigger.IDLE_TIMEOUT)
                .setDecidedAt(T0.toEpochMilli())
                .setSourceTopic("photos.accepted")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .build();
        jobsDeadLetters.pipeInput(new TestRecord<>(
                "order-9",
                AvroBinarySerde.json(refused),
                StatusEvents.submitDeadLetterHeaders("POST /api/v1/images/generate-headshots: 422 bad image"),
                T0));

        JobStatus status = byOrderId.get("order-9");
        assertThat(status.getState()).isEqualTo(JobState.FAILED);
        assertThat(status.getFailureStage()).isEqualTo("submit");
        assertThat(status.getFailureReason()).contains("422 bad image");
        assertThat(status.getJobRef()).isEqualTo("ref-9");
        assertThat(status.getUserId()).isEqualTo("user-9");
        assertThat(status.getHeadshotsId()).isNull();
    }
}
