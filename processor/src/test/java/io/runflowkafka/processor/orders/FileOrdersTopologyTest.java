package io.runflowkafka.processor.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.client.ImageFile;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.processor.gate.LocalImages;
import io.runflowkafka.processor.gate.RunflowScorer;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Orders of {@code file://} and {@code s3://} photos: the headshot orders with the processor's own submitter
 * ({@link RunflowHeadshotsSubmitter} over the gate's {@link LocalImages}), Runflow's two forms faked.
 */
class FileOrdersTopologyTest {

    private static final String SCOPE = "file-orders-topology-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final OrderTopics TOPICS = ProcessorConfig.defaults().orderTopics();
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration IDLE = Duration.ofMinutes(15);
    /** Bytes of a JPEG (its magic number) and a marker that must never reach a topic or a store. */
    private static final byte[] JPEG_START = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};

    private static final String PIXELS = "pixels-that-must-stay-out-of-kafka";

    @TempDir
    Path photos;

    private final Serde<ScoredUpload> scoredSerde = AvroSerdes.specific(ScoredUpload.class, REGISTRY, false);
    private final Serde<HeadshotJob> jobSerde = AvroSerdes.specific(HeadshotJob.class, REGISTRY, false);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<List<String>> byUrl = new CopyOnWriteArrayList<>();
    private final List<List<ImageFile>> byFile = new CopyOnWriteArrayList<>();
    private CallLimiter limiter;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ScoredUpload> accepted;
    private TestOutputTopic<String, HeadshotJob> jobs;
    private TestOutputTopic<String, byte[]> deadLetters;

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

    private void start(int photosPerJob, LocalImages images) {
        limiter = new CallLimiter(64, 0);
        RetryPolicy retries = RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(5))
                .maxAttempts(Integer.MAX_VALUE)
                .maxTotalTime(Duration.ofMinutes(1))
                .build();
        OrderSettings settings = new OrderSettings(
                photosPerJob,
                1,
                IDLE,
                "https://hooks.example.com",
                new CallSettings(64, Duration.ofMillis(10), retries));
        HeadshotsSubmitter submitter = new RunflowHeadshotsSubmitter(
                (callbackUrl, urls) -> {
                    byUrl.add(List.copyOf(urls));
                    return accept();
                },
                (callbackUrl, files) -> {
                    byFile.add(List.copyOf(files));
                    return accept();
                },
                images);
        InFlightSubmissions inFlight = new InFlightSubmissions();
        StreamsBuilder builder = HeadshotOrdersTopology.addTo(
                new StreamsBuilder(),
                TOPICS,
                settings,
                submitter,
                CallbackTokens.of("file-orders-test-callback-secret-0123456789"),
                limiter,
                new OrderMetrics(meters, inFlight),
                inFlight,
                scoredSerde,
                jobSerde,
                (partition, since) -> true,
                "photos.uploaded.dlq",
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "file-orders-test");
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

    private static CompletableFuture<HeadshotsSubmission> accept() {
        return CompletableFuture.completedFuture(
                new HeadshotsSubmission(UUID.randomUUID().toString()));
    }

    private static LocalImages files(boolean enabled) {
        return new LocalImages(
                () -> {
                    throw new IllegalStateException("no S3 in this test");
                },
                enabled,
                Runnable::run);
    }

    private String photoFile(String name) throws IOException {
        Path file = photos.resolve(name);
        byte[] marker = (PIXELS + "/" + name).getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(JPEG_START, JPEG_START.length + marker.length);
        System.arraycopy(marker, 0, bytes, JPEG_START.length, marker.length);
        Files.write(file, bytes);
        return file.toUri().toString();
    }

    private void accept(String order, int n, String uri) {
        accepted.pipeInput(
                order,
                ScoredUpload.newBuilder()
                        .setUploadId(order + "-u" + n)
                        .setOrderId(order)
                        .setUserId("user-" + order)
                        .setImageUri(uri)
                        .setDecision(Decision.ACCEPTED)
                        .setQualityScore(0.9)
                        .setBrightness(60)
                        .setSharpness(70)
                        .setThreshold(0.6)
                        .setUploadedAt(START)
                        .setScoredAt(START)
                        .setAttributes(Map.of())
                        .build(),
                START);
    }

    private double photos(String outcome) {
        return meters.get("headshot.orders.photos")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Test
    void shouldSubmitAnOrderOfFilePhotosInTheMultipartFormWithTheirBytes() throws Exception {
        start(2, files(true));
        String first = photoFile("first.jpg");
        String second = photoFile("second.jpg");

        accept("order-1", 1, first);
        accept("order-1", 2, second);

        assertThat(byUrl).isEmpty();
        assertThat(byFile).singleElement().satisfies(images -> {
            assertThat(images).extracting(ImageFile::fileName).containsExactly("first.jpg", "second.jpg");
            assertThat(images).extracting(ImageFile::contentType).containsOnly("image/jpeg");
            assertThat(images.get(1).bytes()).isEqualTo(Files.readAllBytes(photos.resolve("second.jpg")));
        });
        HeadshotJob job = jobs.readValue();
        assertThat(job.getInputImageUrls()).containsExactly(first, second);
        assertThat(job.getUploadIds()).containsExactly("order-1-u1", "order-1-u2");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepOnlyTheUrisOfFilePhotosInKafka() throws Exception {
        start(2, files(true));

        accept("order-1", 1, photoFile("first.jpg"));
        accept("order-1", 2, photoFile("second.jpg"));

        assertThat(byFile).hasSize(1);
        List<String> written = driver.producedTopicNames().stream().toList();
        assertThat(written).anyMatch(topic -> topic.endsWith("-headshot-submissions-pending-changelog"));
        for (String topic : written) {
            driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList()
                    .forEach(record -> assertThat(
                                    record.value() == null
                                            ? ""
                                            : new String(record.value(), StandardCharsets.ISO_8859_1))
                            .as("a record of " + topic)
                            .doesNotContain(PIXELS));
        }
    }

    @Test
    void shouldDeadLetterAnOrderWhosePhotoCannotBeReadAtSubmitTime() throws Exception {
        start(2, files(true));
        String gone = photoFile("gone.jpg");
        Files.delete(photos.resolve("gone.jpg"));

        accept("order-1", 1, photoFile("kept.jpg"));
        accept("order-1", 2, gone);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("order-1");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains(gone);
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("submit");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.MESSAGE))
                .contains("cannot read")
                .contains("gone.jpg");
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(byFile).isEmpty();
        assertThat(jobs.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAFileOrderWhenFileUrisAreDisabled() throws Exception {
        start(1, files(false));

        accept("order-1", 1, photoFile("first.jpg"));

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.MESSAGE))
                .contains("processor.file-uris-enabled=false");
        assertThat(byFile).isEmpty();
        assertThat(jobs.isEmpty()).isTrue();
    }

    @Test
    void shouldRetryAnS3PhotoWhileS3DoesNotAnswer() {
        AtomicInteger reads = new AtomicInteger();
        byte[] jpeg = Arrays.copyOf(JPEG_START, 64);
        S3AsyncClient s3 = new FakeS3(() -> reads.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(SdkClientException.create("connection refused"))
                : CompletableFuture.completedFuture(
                        ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), jpeg)));
        start(1, new LocalImages(() -> s3, false, Runnable::run));

        accept("order-1", 1, "s3://photos/order-1/1.jpg");

        await("the order submitted once S3 answers")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    driver.advanceWallClockTime(Duration.ofMillis(10));
                    return !jobs.isEmpty();
                });
        assertThat(reads).hasValue(3);
        assertThat(byFile)
                .singleElement()
                .satisfies(images -> assertThat(images)
                        .singleElement()
                        .extracting(ImageFile::fileName)
                        .isEqualTo("1.jpg"));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldSkipAUrlPhotoInAnOrderOfFilesAndAFilePhotoInAnOrderOfUrls() throws Exception {
        start(2, files(true));
        String file = photoFile("first.jpg");

        accept("files", 1, file);
        accept("files", 2, "https://img.example/files/2.jpg");
        accept("urls", 1, "https://img.example/urls/1.jpg");
        accept("urls", 2, photoFile("second.jpg"));
        driver.advanceWallClockTime(IDLE.plus(IDLE));

        assertThat(photos("skipped")).isEqualTo(2.0);
        assertThat(byFile)
                .singleElement()
                .satisfies(images ->
                        assertThat(images).extracting(ImageFile::fileName).containsExactly("first.jpg"));
        assertThat(byUrl).containsExactly(List.of("https://img.example/urls/1.jpg"));
        assertThat(jobs.readValuesToList()).hasSize(2);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseForGoodARequestThatMixesUrlsAndFiles() throws Exception {
        RunflowHeadshotsSubmitter submitter = new RunflowHeadshotsSubmitter(
                (callbackUrl, urls) -> {
                    byUrl.add(urls);
                    return accept();
                },
                (callbackUrl, files) -> {
                    byFile.add(files);
                    return accept();
                },
                files(true));

        CompletableFuture<HeadshotsSubmission> mixed = submitter.submit(
                "https://hooks.example.com/h", List.of("https://img.example/1.jpg", photoFile("2.jpg")));

        assertThat(mixed)
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(RunflowScorer.InvalidImageReferenceException.class)
                .withMessageContaining("mixes photos by URL and photos as files");
        assertThat(byUrl).isEmpty();
        assertThat(byFile).isEmpty();
    }

    @Test
    void shouldDeadLetterAnOrderWithAPhotoLargerThanTheCap() throws Exception {
        start(1, new LocalImages(() -> null, true, 1024, Runnable::run));
        Path large = photos.resolve("large.jpg");
        Files.write(large, Arrays.copyOf(JPEG_START, 4096));

        accept("order-1", 1, large.toUri().toString());

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetters.text(dead.headers(), DeadLetterHeaders.MESSAGE))
                .contains("large.jpg")
                .contains("larger than 1024 bytes");
        assertThat(byFile).isEmpty();
    }

    @Test
    void shouldAskS3ForNoMoreThanOneBytePastTheCap() {
        List<GetObjectRequest> requests = new CopyOnWriteArrayList<>();
        S3AsyncClient s3 = new FakeS3(() -> CompletableFuture.completedFuture(
                ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), Arrays.copyOf(JPEG_START, 1025))));
        LocalImages images = new LocalImages(() -> new FakeS3Recording(s3, requests), false, 1024, Runnable::run);

        assertThat(images.read("s3://photos/order-1/1.jpg", null))
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(RunflowScorer.InvalidImageReferenceException.class)
                .withMessageContaining("larger than 1024 bytes");
        assertThat(requests).singleElement().extracting(GetObjectRequest::range).isEqualTo("bytes=0-1024");
    }

    /** Records each GetObject request, then asks the client it wraps. */
    private record FakeS3Recording(S3AsyncClient s3, List<GetObjectRequest> requests) implements S3AsyncClient {
        @Override
        public <T> CompletableFuture<T> getObject(
                GetObjectRequest request, AsyncResponseTransformer<GetObjectResponse, T> transformer) {
            requests.add(request);
            return s3.getObject(request, transformer);
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {}
    }

    /** An S3 client whose every GetObject gets the scripted answer. */
    private static final class FakeS3 implements S3AsyncClient {
        private final java.util.function.Supplier<CompletableFuture<ResponseBytes<GetObjectResponse>>> answer;

        FakeS3(java.util.function.Supplier<CompletableFuture<ResponseBytes<GetObjectResponse>>> answer) {
            this.answer = answer;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> CompletableFuture<T> getObject(
                GetObjectRequest request, AsyncResponseTransformer<GetObjectResponse, T> transformer) {
            return (CompletableFuture<T>) answer.get();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {}
    }
}
