package io.runflowkafka.processor.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.client.InvalidRequestException;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.client.ServerErrorException;
import io.runflowkafka.client.UnauthorizedException;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeadshotOrdersTopologyTest {

    private static final String SCOPE = "headshot-orders-topology-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final OrderTopics TOPICS = ProcessorConfig.defaults().orderTopics();
    private static final String UNDECODABLE_TOPIC = "photos.uploaded.dlq";
    private static final String SECRET = "orders-test-callback-secret-0123456789";
    private static final String BRIDGE = "https://hooks.example.com";
    private static final Duration IDLE = Duration.ofMinutes(15);
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(5))
            .maxAttempts(Integer.MAX_VALUE)
            .maxTotalTime(Duration.ofMinutes(1))
            .build();

    private final Serde<ScoredUpload> scoredSerde = AvroSerdes.specific(ScoredUpload.class, REGISTRY, false);
    private final Serde<HeadshotJob> jobSerde = AvroSerdes.specific(HeadshotJob.class, REGISTRY, false);
    private final List<Submission> submissions = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private CallLimiter limiter;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ScoredUpload> accepted;
    private TestOutputTopic<String, HeadshotJob> jobs;
    private TestOutputTopic<String, byte[]> deadLetters;
    /** The driver's wall clock; photos are stamped with it unless a test says otherwise (uploaded "now"). */
    private Instant now = START;
    /** What the collector's backlog check answers: caught up (nothing upstream) unless a test says otherwise. */
    private final AtomicBoolean caughtUp = new AtomicBoolean(true);

    /** One Generate Headshots request as the fake Runflow saw it. */
    private record Submission(String callbackUrl, List<String> images, String headshotsId) {}

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (limiter != null) {
            limiter.close();
        }
        MockSchemaRegistry.dropScope(SCOPE);
    }

    private void start() {
        start(
                settings(4, 1),
                request -> CompletableFuture.completedFuture(
                        new HeadshotsSubmission(UUID.randomUUID().toString())));
    }

    private void start(OrderSettings settings, Function<Submission, CompletableFuture<HeadshotsSubmission>> runflow) {
        limiter = new CallLimiter(64, 0);
        HeadshotsSubmitter submitter = (callbackUrl, images) -> {
            Submission seen = new Submission(callbackUrl, images, null);
            return runflow.apply(seen)
                    .thenApply(answer -> {
                        submissions.add(new Submission(callbackUrl, images, answer.headshotsId()));
                        return answer;
                    })
                    .whenComplete((answer, failure) -> {
                        if (failure != null) {
                            submissions.add(seen);
                        }
                    });
        };
        InFlightSubmissions inFlight = new InFlightSubmissions();
        StreamsBuilder builder = HeadshotOrdersTopology.addTo(
                new StreamsBuilder(),
                TOPICS,
                settings,
                submitter,
                CallbackTokens.of(SECRET),
                limiter,
                new OrderMetrics(meters, inFlight),
                inFlight,
                scoredSerde,
                jobSerde,
                (partition, since) -> caughtUp.get(),
                UNDECODABLE_TOPIC,
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orders-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Path.of("target", "topology-test-state", UUID.randomUUID().toString())
                        .toAbsolutePath()
                        .toString());
        driver = new TopologyTestDriver(builder.build(), props, START);
        accepted = driver.createInputTopic(TOPICS.accepted(), new StringSerializer(), scoredSerde.serializer());
        jobs = driver.createOutputTopic(TOPICS.jobs(), new StringDeserializer(), jobSerde.deserializer());
        deadLetters = driver.createOutputTopic(
                TOPICS.jobsDeadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static OrderSettings settings(int photosPerJob, int minPhotos) {
        return new OrderSettings(
                photosPerJob, minPhotos, IDLE, BRIDGE, new CallSettings(64, Duration.ofMillis(10), FAST_RETRIES));
    }

    private static ScoredUpload photo(String order, int n) {
        return ScoredUpload.newBuilder()
                .setUploadId(order + "-u" + n)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri("https://img.example/" + order + "/" + n + ".jpg")
                .setDecision(Decision.ACCEPTED)
                .setQualityScore(0.9)
                .setBrightness(60)
                .setSharpness(70)
                .setThreshold(0.6)
                .setUploadedAt(START)
                .setScoredAt(START)
                .setAttributes(Map.of("channel", "photo-" + n))
                .build();
    }

    private void accept(String order, int... photos) {
        for (int n : photos) {
            accepted.pipeInput(order, photo(order, n), now);
        }
    }

    /** Moves the driver's wall clock (and so the time of the photos accepted next). */
    private void advance(Duration duration) {
        now = now.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    private double photos(String outcome) {
        return meters.get("headshot.orders.photos")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Test
    void shouldSubmitAnOrderAsSoonAsItHasThePhotoCount() {
        start();

        accept("order-1", 1, 2, 3);
        assertThat(submissions).as("three of four photos").isEmpty();
        accept("order-1", 4);

        assertThat(submissions)
                .singleElement()
                .extracting(Submission::images)
                .isEqualTo(List.of(
                        "https://img.example/order-1/1.jpg", "https://img.example/order-1/2.jpg",
                        "https://img.example/order-1/3.jpg", "https://img.example/order-1/4.jpg"));
        TestRecord<String, HeadshotJob> record = jobs.readRecord();
        HeadshotJob job = record.value();
        assertThat(record.key()).isEqualTo("order-1");
        assertThat(job.getOrderId()).isEqualTo("order-1");
        assertThat(job.getUserId()).isEqualTo("user-order-1");
        assertThat(job.getHeadshotsId()).isEqualTo(submissions.get(0).headshotsId());
        assertThat(job.getInputImageUrls()).isEqualTo(submissions.get(0).images());
        assertThat(job.getUploadIds()).containsExactly("order-1-u1", "order-1-u2", "order-1-u3", "order-1-u4");
        assertThat(job.getAttributes()).as("the first photo's").containsEntry("channel", "photo-1");
        assertThat(job.getSubmittedAt()).isEqualTo(START);
        assertThat(jobs.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnAcceptedRecordThatDoesNotDecodeAndGoOnWithTheOrder() {
        start();
        TestOutputTopic<String, byte[]> undecodable =
                driver.createOutputTopic(UNDECODABLE_TOPIC, new StringDeserializer(), new ByteArrayDeserializer());
        byte[] junk = "not a ScoredUpload".getBytes(StandardCharsets.UTF_8);

        accept("order-1", 1, 2);
        driver.createInputTopic(TOPICS.accepted(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("order-1", junk, now);
        accept("order-1", 3, 4);

        TestRecord<String, byte[]> dead = undecodable.readRecord();
        assertThat(dead.key()).isEqualTo("order-1");
        assertThat(dead.value()).isEqualTo(junk);
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("deserialize");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(TOPICS.accepted());
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("2");
        assertThat(undecodable.isEmpty()).isTrue();
        assertThat(jobs.readValue().getUploadIds())
                .containsExactly("order-1-u1", "order-1-u2", "order-1-u3", "order-1-u4");
        assertThat(deadLetters.isEmpty()).as("the order's own dead letters").isTrue();
    }

    @Test
    void shouldNotSubmitBeforeTheCountNorBeforeTheIdleTimeout() {
        start();

        accept("order-1", 1, 2, 3);
        advance(IDLE.minusSeconds(2));

        assertThat(submissions).isEmpty();
        assertThat(jobs.isEmpty()).isTrue();
    }

    @Test
    void shouldSubmitAnIdleOrderWithWhatItHasOnceTheIdleTimeoutPassed() {
        start();

        accept("order-1", 1, 2);
        advance(IDLE.plusSeconds(1));

        assertThat(submissions)
                .singleElement()
                .extracting(s -> s.images().size())
                .isEqualTo(2);
        HeadshotJob job = jobs.readValue();
        assertThat(job.getUploadIds()).containsExactly("order-1-u1", "order-1-u2");
        assertThat(meters.get("headshot.orders.submitted")
                        .tag("trigger", "idle_timeout")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldCountTheIdleTimeoutFromTheLatestPhoto() {
        start();

        accept("order-1", 1);
        advance(IDLE.minusMinutes(1));
        accept("order-1", 2);
        advance(Duration.ofMinutes(2));

        assertThat(submissions).as("14 min after the latest photo").isEmpty();
        advance(IDLE.minusMinutes(1));

        assertThat(submissions)
                .singleElement()
                .extracting(s -> s.images().size())
                .isEqualTo(2);
    }

    @Test
    void shouldKeepAnIdleOrderBelowTheMinimumUntilItHasEnoughPhotos() {
        start(
                settings(4, 2),
                request -> CompletableFuture.completedFuture(
                        new HeadshotsSubmission(UUID.randomUUID().toString())));

        accept("order-1", 1);
        advance(IDLE.plusMinutes(5));
        assertThat(submissions).as("one photo, two needed").isEmpty();

        accept("order-1", 2);
        advance(IDLE.plusSeconds(1));

        assertThat(submissions)
                .singleElement()
                .extracting(s -> s.images().size())
                .isEqualTo(2);
    }

    @Test
    void shouldSubmitAnIdleOrderOnAQuietPartitionOnlyOnceItsBacklogIsIn() {
        start();
        caughtUp.set(false);

        accept("order-1", 1, 2);
        advance(IDLE.plusMinutes(5));
        assertThat(submissions)
                .as("past the deadline, but uploads may still be on their way")
                .isEmpty();

        // Nothing more arrives on this partition (its stream time stands still); the backlog check clears it.
        caughtUp.set(true);
        advance(Duration.ofSeconds(1));

        assertThat(submissions)
                .singleElement()
                .extracting(s -> s.images().size())
                .isEqualTo(2);
        assertThat(jobs.readValue().getUploadIds()).containsExactly("order-1-u1", "order-1-u2");
    }

    @Test
    void shouldNotSubmitEarlyWhileCatchingUpAfterADowntimeLongerThanTheIdleTimeout() {
        start();
        accept("order-1", 1, 2);
        accept("order-2", 1);
        Instant uploadedDuringDowntime = now.plus(Duration.ofMinutes(5));

        // The processor is down for an hour; on its return the gate's backlog (the uploads of the downtime)
        // is not in yet.
        caughtUp.set(false);
        advance(Duration.ofHours(1));
        assertThat(submissions)
                .as("while the backlog of the downtime is being scored")
                .isEmpty();

        // The backlog arrives, stamped with the photos' own upload times, inside the idle window.
        accepted.pipeInput("order-1", photo("order-1", 3), uploadedDuringDowntime);
        accepted.pipeInput("order-2", photo("order-2", 2), uploadedDuringDowntime);
        advance(Duration.ofSeconds(1));
        assertThat(submissions)
                .as("stream time is 10 minutes short of the deadlines")
                .isEmpty();
        caughtUp.set(true);
        advance(Duration.ofSeconds(1));

        assertThat(jobs.readValuesToList())
                .extracting(job -> job.getUploadIds().size() + " " + job.getOrderId())
                .containsExactlyInAnyOrder("3 order-1", "2 order-2");
        assertThat(photos("late")).isZero();
    }

    @Test
    void shouldSubmitOnStreamTimeOnABusyPartitionThatIsNeverFullyCaughtUp() {
        start();
        caughtUp.set(false);
        accept("order-1", 1, 2);

        // Other orders keep the partition busy: their photos move stream time on.
        advance(IDLE.multipliedBy(2).minusSeconds(1));
        accept("order-2", 1);
        assertThat(submissions)
                .as("stream time one idle time-out past the deadline, less a second")
                .isEmpty();
        advance(Duration.ofSeconds(2));
        accept("order-3", 1);
        advance(Duration.ofSeconds(1));

        assertThat(submissions)
                .singleElement()
                .extracting(s -> s.images().size())
                .isEqualTo(2);
        assertThat(jobs.readValue().getOrderId()).isEqualTo("order-1");
    }

    @Test
    void shouldCountTheIdleTimeoutFromThePhotosUploadTimeNotFromWhenItWasScored() {
        start();
        Instant uploaded = now;

        accepted.pipeInput("order-1", photo("order-1", 1), uploaded);
        advance(IDLE.minusMinutes(1));
        // Scored 14 minutes after its upload (a slow gate): the deadline is still 15 minutes after the upload.
        accepted.pipeInput("order-1", photo("order-1", 2), uploaded.plusSeconds(1));
        advance(Duration.ofMinutes(2));

        assertThat(submissions)
                .singleElement()
                .extracting(s -> s.images().size())
                .isEqualTo(2);
    }

    @Test
    void shouldSubmitEachOrderExactlyOnce() {
        start();

        accept("order-1", 1, 2, 3, 4);
        accept("order-2", 1, 2);
        accept("order-1", 5, 6);
        accept("order-1", 2);
        advance(IDLE.plusSeconds(1));
        accept("order-2", 3, 4, 5);
        advance(IDLE.plusSeconds(1));

        assertThat(submissions).hasSize(2);
        assertThat(jobs.readValuesToList()).extracting(HeadshotJob::getOrderId).containsExactly("order-1", "order-2");
        assertThat(photos("late")).as("order-1's 5 and 6, order-2's 3, 4 and 5").isEqualTo(5.0);
        assertThat(photos("duplicate")).isEqualTo(1.0);
    }

    @Test
    void shouldNotCountARepeatedUploadTowardsTheOrder() {
        start();

        accept("order-1", 1, 1, 2, 2, 3, 3);

        assertThat(submissions).isEmpty();
        assertThat(photos("collected")).isEqualTo(3.0);
        assertThat(photos("duplicate")).isEqualTo(3.0);
    }

    @Test
    void shouldSkipPhotosThatAreNotAcceptedOrNotHttpUrls() {
        start();
        ScoredUpload s3 = photo("order-1", 2);
        s3.setImageUri("s3://bucket/order-1/2.jpg");
        ScoredUpload retake = photo("order-1", 3);
        retake.setDecision(Decision.RETAKE);

        accepted.pipeInput("order-1", photo("order-1", 1), now);
        accepted.pipeInput("order-1", s3, now);
        accepted.pipeInput("order-1", retake, now);
        advance(IDLE.plusSeconds(1));

        assertThat(submissions)
                .singleElement()
                .extracting(Submission::images)
                .isEqualTo(List.of("https://img.example/order-1/1.jpg"));
        assertThat(photos("skipped")).isEqualTo(2.0);
    }

    @Test
    void shouldSignTheCallbackUrlSoThatTheBridgeAcceptsIt() {
        start();

        accept("order-1", 1, 2, 3, 4);

        HeadshotJob job = jobs.readValue();
        URI callback = URI.create(submissions.get(0).callbackUrl());
        String[] segments = callback.getPath().split("/");
        assertThat(callback.getScheme() + "://" + callback.getAuthority()).isEqualTo(BRIDGE);
        assertThat(Arrays.copyOfRange(segments, 0, 4)).containsExactly("", "webhooks", "runflow", "headshots");
        assertThat(segments).hasSize(6);
        assertThat(segments[4]).isEqualTo(job.getJobRef());
        assertThat(CallbackTokens.of(SECRET).verify(job.getJobRef(), segments[5]))
                .isTrue();
        assertThat(CallbackTokens.of("another-secret-of-enough-length").verify(job.getJobRef(), segments[5]))
                .as("another secret")
                .isFalse();
    }

    @Test
    void shouldKeepTheTokenOutOfTheJobRecordAndEveryTopicAndStore() {
        start();

        accept("order-1", 1, 2, 3, 4);

        // The path's last segment: the URL also has a query (the job's signed trace context).
        String path = URI.create(submissions.get(0).callbackUrl()).getPath();
        String token = path.substring(path.lastIndexOf('/') + 1);
        assertThat(token).hasSize(43);
        HeadshotJob job = jobs.readValue();
        assertThat(job.toString()).doesNotContain(token);
        assertThat(new String(jobSerde.serializer().serialize(TOPICS.jobs(), job), StandardCharsets.ISO_8859_1))
                .doesNotContain(token);
        List<String> written = new ArrayList<>(driver.producedTopicNames());
        assertThat(written)
                .as("changelogs and the submissions topic are checked too")
                .anyMatch(topic -> topic.endsWith("-headshot-orders-changelog"))
                .anyMatch(topic -> topic.endsWith("-headshot-submissions-pending-changelog"))
                .anyMatch(topic -> topic.endsWith("-headshot-submissions-repartition"));
        for (String topic : written) {
            driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList()
                    .forEach(record -> assertThat(
                                    record.value() == null
                                            ? ""
                                            : new String(record.value(), StandardCharsets.ISO_8859_1))
                            .as("a record of " + topic)
                            .doesNotContain(token));
        }
    }

    @Test
    void shouldDeadLetterARefusedSubmissionWithTheReason() {
        start(
                settings(2, 1),
                request -> CompletableFuture.failedFuture(new InvalidRequestException(
                        "POST /api/v1/images/generate-headshots: 422 input image could not be fetched",
                        422,
                        "input image could not be fetched")));

        accept("order-1", 1, 2);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("order-1");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8))
                .contains("\"order_id\":\"order-1\"")
                .contains("https://img.example/order-1/2.jpg");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("submit");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.MESSAGE))
                .contains("422")
                .contains("could not be fetched");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(TOPICS.accepted());
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(jobs.isEmpty()).isTrue();
    }

    @Test
    void shouldRetryATransientFailureUnderTheSameCallbackUrl() {
        AtomicInteger calls = new AtomicInteger();
        start(
                settings(1, 1),
                request -> calls.incrementAndGet() < 3
                        ? CompletableFuture.failedFuture(new ServerErrorException("503 from Runflow", 503, null))
                        : CompletableFuture.completedFuture(
                                new HeadshotsSubmission(UUID.randomUUID().toString())));

        accept("order-1", 1);

        await("the submission accepted after two 503s")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    advance(Duration.ofMillis(10));
                    return !jobs.isEmpty();
                });
        assertThat(submissions)
                .hasSize(3)
                .extracting(Submission::callbackUrl)
                .containsOnly(submissions.get(0).callbackUrl());
        assertThat(jobs.readValue().getHeadshotsId())
                .isEqualTo(submissions.get(2).headshotsId());
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldHoldSubmissionsWithoutDeadLetteringWhenRunflowRefusesTheKey() {
        start(settings(1, 1), request -> CompletableFuture.failedFuture(new UnauthorizedException("401 from Runflow")));

        accept("order-1", 1);
        accept("order-2", 1);
        advance(Duration.ofMillis(50));

        assertThat(limiter.halted()).isTrue();
        assertThat(submissions).as("no call after the refusal").hasSize(1);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(jobs.isEmpty()).isTrue();
    }
}
