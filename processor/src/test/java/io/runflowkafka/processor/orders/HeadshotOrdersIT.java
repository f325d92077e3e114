package io.runflowkafka.processor.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.gate.RunflowScorer;
import io.runflowkafka.processor.gate.Scorer;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headshot orders end to end: a real broker, the emulator over HTTP as Runflow, a loopback receiver as
 * the webhook bridge, and the processor as it runs in production (quality gate, orders, job status).
 */
class HeadshotOrdersIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SECRET = "it-callback-secret-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunflowEmulator emulator;
    private static HttpServer bridge;
    /** Callbacks the emulator delivered, by job reference: the headshots ids it named. */
    private static final Map<String, List<String>> callbacks = new ConcurrentHashMap<>();
    /** Job references whose callback URL carried a token that does not verify. */
    private static final List<String> forgedCallbacks = new CopyOnWriteArrayList<>();

    private final String scope = Unique.name("orders-it");
    private final Map<String, Object> registry = Map.of("schema.registry.url", "mock://" + scope);
    private final List<ProcessorApp> apps = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RunflowClient scoringClient;
    private Topics topics;

    /** One test's topics. */
    private record Topics(
            String uploaded,
            String accepted,
            String retake,
            String uploadedDlq,
            String jobs,
            String jobsDlq,
            String completed,
            String archived,
            String completedDlq) {

        static Topics create(int partitions) {
            Topics topics = new Topics(
                    Unique.topic("photos.uploaded"),
                    Unique.topic("photos.accepted"),
                    Unique.topic("photos.retake"),
                    Unique.topic("photos.uploaded.dlq"),
                    Unique.topic("headshots.jobs"),
                    Unique.topic("headshots.jobs.dlq"),
                    Unique.topic("headshots.completed"),
                    Unique.topic("headshots.archived"),
                    Unique.topic("headshots.completed.dlq"));
            for (String topic : List.of(
                    topics.uploaded,
                    topics.accepted,
                    topics.retake,
                    topics.uploadedDlq,
                    topics.jobs,
                    topics.jobsDlq,
                    topics.completed,
                    topics.archived,
                    topics.completedDlq)) {
                KAFKA.topics().create(topic, partitions);
            }
            return topics;
        }
    }

    @BeforeAll
    static void startRunflowAndBridge() throws IOException {
        // HTTPS on: the quality gate sends only https:// image URIs to Runflow, and the samples are served there.
        emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .headshotsDelay(Duration.ofMillis(200))
                .callbackRetry(Duration.ofMillis(100), Duration.ofMillis(500), 3)
                .build()
                .start();
        CallbackTokens tokens = CallbackTokens.of(SECRET);
        bridge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bridge.setExecutor(Executors.newFixedThreadPool(2));
        bridge.createContext("/webhooks/runflow/headshots/", exchange -> {
            String[] path = exchange.getRequestURI().getPath().split("/");
            try (InputStream body = exchange.getRequestBody()) {
                JsonNode json = JSON.readTree(body);
                String jobRef = path[4];
                if (!tokens.verify(jobRef, path[5])) {
                    forgedCallbacks.add(jobRef);
                }
                callbacks
                        .computeIfAbsent(jobRef, ref -> new CopyOnWriteArrayList<>())
                        .add(json.path("headshots_id").asText());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        bridge.start();
    }

    @AfterAll
    static void stopRunflowAndBridge() {
        bridge.stop(0);
        emulator.close();
    }

    @BeforeEach
    void resetRunflow() {
        emulator.faults().reset();
        emulator.counters().reset();
        scoringClient = new RunflowClient(RunflowClientConfig.builder()
                .baseUrl(emulator.baseUrl())
                .apiKey(RunflowEmulator.DEFAULT_API_KEY)
                .build());
    }

    @AfterEach
    void stopProcessors() {
        apps.forEach(ProcessorApp::close);
        scoringClient.close();
        MockSchemaRegistry.dropScope(scope);
    }

    private Map<String, String> environment(String applicationId, String stateDir, int httpPort) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        env.put("SCHEMA_REGISTRY_URL", "mock://" + scope);
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.put("TOPICS_CREATE", "false");
        env.put("PROCESSOR_APPLICATION_ID", applicationId);
        env.put("PROCESSOR_APPLICATION_SERVER", "127.0.0.1:" + httpPort);
        env.put("PROCESSOR_TOPIC_UPLOADED", topics.uploaded());
        env.put("PROCESSOR_TOPIC_ACCEPTED", topics.accepted());
        env.put("PROCESSOR_TOPIC_RETAKE", topics.retake());
        env.put("PROCESSOR_TOPIC_UPLOADED_DLQ", topics.uploadedDlq());
        env.put("PROCESSOR_TOPIC_JOBS", topics.jobs());
        env.put("PROCESSOR_TOPIC_JOBS_DLQ", topics.jobsDlq());
        env.put("PROCESSOR_TOPIC_COMPLETED", topics.completed());
        env.put("PROCESSOR_TOPIC_ARCHIVED", topics.archived());
        env.put("PROCESSOR_TOPIC_COMPLETED_DLQ", topics.completedDlq());
        env.put("PROCESSOR_STATE_DIR", stateDir);
        env.put("PROCESSOR_SHUTDOWN_TIMEOUT_MS", "10000");
        env.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "600000");
        env.put(
                "PROCESSOR_BRIDGE_PUBLIC_URL",
                "http://127.0.0.1:" + bridge.getAddress().getPort());
        env.put("PROCESSOR_CALLBACK_SECRET", SECRET);
        env.put("RUNFLOW_BASE_URL", emulator.baseUrl());
        env.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
        return env;
    }

    private ProcessorApp start(Map<String, String> env, Scorer scorer) {
        ProcessorApp app = ProcessorApp.start(ProcessorConfig.load(Optional.empty(), env), scorer);
        apps.add(app);
        return app;
    }

    /** Scores with Runflow (the emulator) until armed; then the next score on a stream thread kills that thread. */
    private Scorer crashable(AtomicBoolean armed) {
        RunflowScorer real = new RunflowScorer(
                scoringClient,
                () -> {
                    throw new IllegalStateException("no S3 in this test");
                },
                false,
                Runnable::run);
        return upload -> {
            if (armed.get() && Thread.currentThread().getName().contains("StreamThread")) {
                // An Error is not a processing exception: Kafka Streams closes the tasks dirty, as a crash would.
                throw new SimulatedCrash();
            }
            return real.score(upload);
        };
    }

    /** The abrupt end of a processor: its open transaction is aborted, nothing of it is committed. */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash of the processor");
        }
    }

    private void feed(List<UploadEvent> uploads) {
        try (KafkaProducer<String, UploadEvent> producer = KAFKA.clients()
                .producer(
                        new StringSerializer(),
                        AvroSerdes.specific(UploadEvent.class, registry, false).serializer())) {
            uploads.forEach(u -> producer.send(new ProducerRecord<>(topics.uploaded(), u.getOrderId(), u)));
            producer.flush();
        }
    }

    private static List<UploadEvent> photos(String order, int from, int to, String imageUrl) {
        List<UploadEvent> uploads = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            uploads.add(UploadEvent.newBuilder()
                    .setUploadId(order + "-photo-" + n)
                    .setOrderId(order)
                    .setUserId("user-" + order)
                    .setImageUri(imageUrl)
                    .setUploadedAt(Instant.now())
                    .setAttributes(Map.of("n", Integer.toString(n)))
                    .build());
        }
        return uploads;
    }

    /** Sends the uploads with their own upload times as record timestamps (as a producer stamping CreateTime would). */
    private void feedUploadedAt(List<UploadEvent> uploads) {
        try (KafkaProducer<String, UploadEvent> producer = KAFKA.clients()
                .producer(
                        new StringSerializer(),
                        AvroSerdes.specific(UploadEvent.class, registry, false).serializer())) {
            uploads.forEach(u -> producer.send(new ProducerRecord<>(
                    topics.uploaded(), null, u.getUploadedAt().toEpochMilli(), u.getOrderId(), u)));
            producer.flush();
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private List<HeadshotJob> jobs() {
        return KAFKA
                .clients()
                .readAllCommitted(
                        topics.jobs(),
                        new StringDeserializer(),
                        AvroSerdes.specific(HeadshotJob.class, registry, false).deserializer())
                .stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    private static void awaitStopped(ProcessorApp app) {
        Waits.await("the crashed processor's Kafka Streams to stop")
                .until(() -> app.streams().state() == KafkaStreams.State.ERROR
                        || app.streams().state() == KafkaStreams.State.NOT_RUNNING);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldTurnTwentyOrdersIntoTwentyJobsThatRunflowCallsBackAndTheStatusApiServes() throws Exception {
        topics = Topics.create(2);
        String portrait = emulator.sampleUrl("portrait.jpg");
        List<UploadEvent> uploads = new ArrayList<>();
        for (int order = 0; order < 20; order++) {
            uploads.addAll(photos("order-" + order, 1, 4, portrait));
        }
        feed(uploads);
        int port = freePort();

        ProcessorApp app = start(
                environment(
                        Unique.name("orders"), Unique.directory("orders-state").toString(), port),
                null);

        Waits.await("20 jobs on headshots.jobs", Duration.ofSeconds(90)).until(() -> jobs().size() >= 20);
        List<HeadshotJob> jobs = jobs();
        assertThat(jobs).hasSize(20);
        assertThat(jobs).extracting(HeadshotJob::getOrderId).doesNotHaveDuplicates();
        assertThat(jobs).allSatisfy(job -> {
            assertThat(job.getInputImageUrls()).hasSize(4).containsOnly(portrait);
            assertThat(job.getUploadIds())
                    .containsExactlyInAnyOrder(
                            job.getOrderId() + "-photo-1",
                            job.getOrderId() + "-photo-2",
                            job.getOrderId() + "-photo-3",
                            job.getOrderId() + "-photo-4");
            assertThat(job.getUserId()).isEqualTo("user-" + job.getOrderId());
        });
        assertThat(emulator.counters().snapshot().headshotSubmissions()).isEqualTo(20);
        Waits.await("Runflow's 20 callbacks at the bridge")
                .until(() -> jobs.stream().allMatch(job -> callbacks.containsKey(job.getJobRef())));
        assertThat(jobs)
                .allSatisfy(job -> assertThat(callbacks.get(job.getJobRef()))
                        .as("the headshots id Runflow returned for job_ref " + job.getJobRef())
                        .containsOnly(job.getHeadshotsId()));
        assertThat(forgedCallbacks).isEmpty();

        HeadshotJob third = jobs.stream()
                .filter(job -> job.getOrderId().equals("order-3"))
                .findFirst()
                .orElseThrow();
        Waits.await("order-3's status").until(() -> get(port, "/jobs/order-3").statusCode() == 200);
        JsonNode status = JSON.readTree(get(port, "/jobs/order-3").body());
        assertThat(status.path("state").asText()).isEqualTo("SUBMITTED");
        assertThat(status.path("headshots_id").asText()).isEqualTo(third.getHeadshotsId());
        assertThat(status.path("job_ref").asText()).isEqualTo(third.getJobRef());
        HttpResponse<String> byId = get(port, "/jobs/by-headshots-id/" + third.getHeadshotsId());
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(byId.body()).path("order_id").asText()).isEqualTo("order-3");
        HttpResponse<String> unknown = get(port, "/jobs/no-such-order");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("not_found");
        assertThat(app.registry()
                        .get("headshots.submissions.reissued")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void shouldCommitNoTransactionOnceIdle() throws Exception {
        topics = Topics.create(2);
        feed(photos("order-idle", 1, 4, emulator.sampleUrl("portrait.jpg")));
        ProcessorApp app = start(
                environment(
                        Unique.name("orders-idle"),
                        Unique.directory("orders-idle").toString(),
                        0),
                null);

        Waits.await("the order's job", Duration.ofSeconds(60)).until(() -> jobs().size() == 1);
        Waits.await("no call pending")
                .until(() ->
                        app.registry().get("processor.pending.calls").gauge().value() == 0);
        // The job's own last records (its status, read back from headshots.jobs) commit once more; then nothing may.
        double before = settledCommits(app.streams());

        // Kafka Streams commits a task after each of its wall-clock punctuations: one left scheduled while there is
        // nothing to do would commit an offsets-only transaction every commit interval (100 ms) on every thread.
        Waits.await("no commit in 3 s of idling")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> commits(app.streams()) == before);
    }

    /** The commit count once it has stayed the same for 2 s; fails when it still moves after 30 s. */
    private static double settledCommits(KafkaStreams streams) {
        double[] last = {commits(streams)};
        Waits.await("the processor to stop committing (the same count 2 s apart)")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(2))
                .pollDelay(Duration.ofSeconds(2))
                .until(() -> {
                    double now = commits(streams);
                    boolean same = now == last[0];
                    last[0] = now;
                    return same;
                });
        return last[0];
    }

    /** Commits of every stream thread so far (each commits its tasks in one transaction). */
    private static double commits(KafkaStreams streams) {
        return streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("commit-total")
                        && e.getKey().group().equals("stream-thread-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    @Test
    void shouldSubmitEveryOrderOnceAcrossAnAbruptRestart() throws Exception {
        topics = Topics.create(2);
        String portrait = emulator.sampleUrl("portrait.jpg");
        List<UploadEvent> firstHalf = new ArrayList<>();
        List<UploadEvent> secondHalf = new ArrayList<>();
        for (int order = 0; order < 20; order++) {
            // Orders 0-9 complete before the crash; orders 10-19 have two photos collected when it happens.
            firstHalf.addAll(photos("order-" + order, 1, order < 10 ? 4 : 2, portrait));
            if (order >= 10) {
                secondHalf.addAll(photos("order-" + order, 3, 4, portrait));
            }
        }
        String applicationId = Unique.name("orders-restart");
        String stateDir = Unique.directory("orders-restart-state").toString();
        AtomicBoolean armed = new AtomicBoolean();
        feed(firstHalf);
        ProcessorApp first = start(environment(applicationId, stateDir, freePort()), crashable(armed));
        Waits.await("the first 10 jobs", Duration.ofSeconds(90)).until(() -> jobs().size() >= 10);
        Waits.await("orders 10-19 collecting (40 photos accepted)")
                .until(() -> KAFKA.clients().countCommitted(topics.accepted()) >= 60);

        armed.set(true);
        feed(secondHalf);
        awaitStopped(first);
        first.close();
        start(environment(applicationId, stateDir, freePort()), null);

        Waits.await("20 jobs after the restart", Duration.ofSeconds(90)).until(() -> jobs().size() >= 20);
        List<HeadshotJob> jobs = jobs();
        assertThat(jobs).hasSize(20);
        Map<String, Long> perOrder =
                jobs.stream().collect(Collectors.groupingBy(HeadshotJob::getOrderId, Collectors.counting()));
        assertThat(perOrder)
                .hasSize(20)
                .allSatisfy((order, count) -> assertThat(count).isEqualTo(1));
        assertThat(jobs).allSatisfy(job -> assertThat(job.getUploadIds()).hasSize(4));
        assertThat(emulator.counters().snapshot().headshotSubmissions())
                .as("Runflow received each order once")
                .isEqualTo(20);
    }

    @Test
    void shouldResendAndReportASubmissionLeftUnansweredByACrash() throws Exception {
        topics = Topics.create(1);
        // Runflow accepts the job at once but takes 3 s to send its answer: the crash lands in between.
        emulator.faults().slowBody(Duration.ofSeconds(3));
        String applicationId = Unique.name("orders-window");
        String stateDir = Unique.directory("orders-window-state").toString();
        Map<String, String> env = environment(applicationId, stateDir, freePort());
        env.put("PROCESSOR_ORDERS_PHOTOS_PER_JOB", "1");
        AtomicBoolean armed = new AtomicBoolean();
        feed(photos("order-1", 1, 1, emulator.sampleUrl("portrait.jpg")));
        ProcessorApp first = start(env, crashable(armed));
        Waits.await("Runflow to accept order-1's job")
                .until(() -> emulator.counters().snapshot().headshotSubmissions() == 1);
        Waits.await("the pending submission committed")
                .until(() ->
                        KAFKA.clients().countCommitted(applicationId + "-headshot-submissions-pending-changelog") >= 1);

        armed.set(true);
        feed(photos("retake-order", 1, 1, emulator.sampleUrl("dark.jpg")));
        awaitStopped(first);
        first.close();
        emulator.faults().reset();
        env.put("HTTP_PORT", Integer.toString(freePort()));
        env.put("PROCESSOR_APPLICATION_SERVER", "127.0.0.1:" + env.get("HTTP_PORT"));
        ProcessorApp second = start(env, null);

        Waits.await("order-1's job", Duration.ofSeconds(60)).until(() -> !jobs().isEmpty());
        assertThat(jobs()).singleElement().extracting(HeadshotJob::getOrderId).isEqualTo("order-1");
        assertThat(emulator.counters().snapshot().headshotSubmissions())
                .as("the crash window: Runflow received the job twice")
                .isEqualTo(2);
        assertThat(second.registry()
                        .get("headshots.submissions.reissued")
                        .counter()
                        .count())
                .as("and the processor reported it")
                .isEqualTo(1.0);
        HeadshotJob job = jobs().get(0);
        Waits.await("both of Runflow's jobs to call back under one job_ref")
                .until(() -> callbacks.getOrDefault(job.getJobRef(), List.of()).size() == 2);
        assertThat(callbacks.get(job.getJobRef()))
                .as("the job kept is one of the two")
                .contains(job.getHeadshotsId());
    }

    @Test
    void shouldSubmitEveryPhotoUploadedWithinTheIdleWindowWhenTheProcessorWasDownLongerThanTheTimeout()
            throws Exception {
        topics = Topics.create(1);
        String portrait = emulator.sampleUrl("portrait.jpg");
        String applicationId = Unique.name("orders-downtime");
        String stateDir = Unique.directory("orders-downtime-state").toString();
        Map<String, String> env = environment(applicationId, stateDir, freePort());
        env.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "5000");
        ProcessorApp first = start(env, null);
        Waits.await("the processor running", Duration.ofSeconds(60))
                .until(() -> first.streams().state() == KafkaStreams.State.RUNNING);
        // The photos' own times lie 15 s ahead, as from a user's clock running ahead of the processor's: it keeps
        // the first run (scoring two photos and stopping takes several seconds on a loaded machine) well inside
        // the idle window, whatever the machine's speed. Only the photos' times matter to the rule.
        Instant firstUpload = Instant.now().plusSeconds(15);
        Instant secondUpload = firstUpload.plusMillis(100);
        List<UploadEvent> before = photos("order-1", 1, 2, portrait);
        before.get(0).setUploadedAt(firstUpload);
        before.get(1).setUploadedAt(secondUpload);
        feedUploadedAt(before);
        Waits.await("order-1's two photos collected", Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> KAFKA.clients().countCommitted(applicationId + "-headshot-orders-changelog") >= 2);
        first.close();
        Instant stopped = Instant.now();
        assertThat(stopped)
                .as("the first run ended inside the idle window (the test's premise)")
                .isBefore(secondUpload.plusSeconds(5));
        assertThat(jobs()).as("two photos of four, inside the idle time-out").isEmpty();

        // While the processor is down the user uploads two more photos, 1 s and 2 s after the second one:
        // inside the 5 s idle window, so they belong to the same job.
        List<UploadEvent> during = photos("order-1", 3, 4, portrait);
        during.get(0).setUploadedAt(secondUpload.plusSeconds(1));
        during.get(1).setUploadedAt(secondUpload.plusSeconds(2));
        feedUploadedAt(during);
        // The downtime lasts past the order's deadline (the latest photo + 5 s), and at least 6 s.
        Instant restartAt = later(stopped.plusSeconds(6), secondUpload.plusSeconds(2 + 6));
        Waits.await("a downtime longer than the idle time-out", Duration.ofSeconds(40))
                .pollDelay(Duration.ofSeconds(6))
                .until(() -> Instant.now().isAfter(restartAt));
        System.out.printf(
                "downtime restart: down %d ms, restarted %d ms after the latest photo's time%n",
                Duration.between(stopped, Instant.now()).toMillis(),
                Duration.between(secondUpload.plusSeconds(2), Instant.now()).toMillis());
        env.put("HTTP_PORT", Integer.toString(freePort()));
        env.put("PROCESSOR_APPLICATION_SERVER", "127.0.0.1:" + env.get("HTTP_PORT"));
        // Runflow takes 3 s per answer after the restart: the backlog of the downtime is not scored at once, so
        // whatever decides the order meets it still in the gate, whatever the machine's speed.
        emulator.faults().latency(LatencySpec.fixed(Duration.ofSeconds(3)));
        long started = System.nanoTime();
        start(env, null);

        Waits.await("order-1's job", Duration.ofSeconds(60)).until(() -> !jobs().isEmpty());
        HeadshotJob job = jobs().get(0);
        System.out.printf(
                "downtime restart: job of %d photos %d ms after the restart%n",
                job.getUploadIds().size(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(job.getUploadIds())
                .as("every photo uploaded within the idle window")
                .containsExactly("order-1-photo-1", "order-1-photo-2", "order-1-photo-3", "order-1-photo-4");
        assertThat(jobs()).hasSize(1);
        assertThat(emulator.counters().snapshot().headshotSubmissions()).isEqualTo(1);
    }

    @Test
    void shouldSubmitAnIdleOrderOnAQuietPartitionOnceTheBacklogCheckFindsNothingOnItsWay() throws Exception {
        topics = Topics.create(2);
        String applicationId = Unique.name("orders-quiet");
        Map<String, String> env = environment(
                applicationId, Unique.directory("orders-quiet-state").toString(), freePort());
        env.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "3000");
        ProcessorApp app = start(env, null);
        Instant uploaded = Instant.now();
        List<UploadEvent> two = photos("order-1", 1, 2, emulator.sampleUrl("portrait.jpg"));
        two.forEach(photo -> photo.setUploadedAt(uploaded));
        feedUploadedAt(two);

        // Nothing more arrives: stream time stays at the photos' time; only the wall clock, once the check of
        // photos.uploaded, the gate's pending calls and photos.accepted finds them empty, can submit the order.
        Waits.await("order-1's job", Duration.ofSeconds(60)).until(() -> !jobs().isEmpty());
        long after = Duration.between(uploaded, Instant.now()).toMillis();
        System.out.printf(
                "quiet partition: job of %d photos %d ms after the upload (idle time-out 3000 ms)%n",
                jobs().get(0).getUploadIds().size(), after);
        assertThat(jobs())
                .singleElement()
                .satisfies(job -> assertThat(job.getUploadIds()).containsExactly("order-1-photo-1", "order-1-photo-2"));
        assertThat(after).as("not before the idle time-out").isGreaterThanOrEqualTo(3_000);
        assertThat(app.registry()
                        .get("headshot.orders.submitted")
                        .tag("trigger", "idle_timeout")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldSubmitEveryPhotoUploadedWithinTheIdleWindowWhenARunflowOutageHeldThemPastTheTimeout() throws Exception {
        topics = Topics.create(1);
        String portrait = emulator.sampleUrl("portrait.jpg");
        String applicationId = Unique.name("orders-outage");
        Map<String, String> env = environment(
                applicationId, Unique.directory("orders-outage-state").toString(), freePort());
        env.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "3000");
        ProcessorApp app = start(env, null);
        Waits.await("the processor running", Duration.ofSeconds(60))
                .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
        // Photo times 10 s ahead of the processor's clock keep the set-up inside the idle window on a slow machine.
        Instant secondUpload = Instant.now().plusSeconds(10);
        List<UploadEvent> before = photos("order-1", 1, 2, portrait);
        before.forEach(photo -> photo.setUploadedAt(secondUpload));
        feedUploadedAt(before);
        Waits.await("order-1's two photos collected", Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> KAFKA.clients().countCommitted(applicationId + "-headshot-orders-changelog") >= 2);

        // Runflow goes down; two more photos, inside the window, wait in the gate while the deadline passes.
        emulator.faults().outageFor(Duration.ofSeconds(20));
        Instant outageEnds = Instant.now().plusSeconds(20);
        assertThat(outageEnds).as("the outage outlasts the order's deadline").isAfter(secondUpload.plusSeconds(2 + 3));
        List<UploadEvent> during = photos("order-1", 3, 4, portrait);
        during.get(0).setUploadedAt(secondUpload.plusSeconds(1));
        during.get(1).setUploadedAt(secondUpload.plusSeconds(2));
        feedUploadedAt(during);

        Waits.await("order-1's job after the outage", Duration.ofSeconds(90)).until(() -> !jobs().isEmpty());
        HeadshotJob job = jobs().get(0);
        System.out.printf(
                "outage: job of %d photos %d ms after the outage ended%n",
                job.getUploadIds().size(),
                Duration.between(outageEnds, Instant.now()).toMillis());
        assertThat(job.getUploadIds())
                .as("every photo uploaded within the idle window")
                .containsExactly("order-1-photo-1", "order-1-photo-2", "order-1-photo-3", "order-1-photo-4");
    }

    @Test
    void shouldSubmitAnOrderOfFilePhotosInTheMultipartFormAndGetRunflowsCallback(@TempDir Path photos)
            throws Exception {
        topics = Topics.create(2);
        byte[] portrait = http.send(
                        // Over plain HTTP: this test's client does not trust the emulator's dev certificate.
                        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/sandbox/samples/portrait.jpg"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        assertThat(portrait).hasSizeGreaterThan(1000);
        List<UploadEvent> uploads = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            Path photo = Files.write(photos.resolve("me-" + n + ".jpg"), portrait);
            uploads.addAll(photos("files-order", n, n, photo.toUri().toString()));
        }
        feed(uploads);
        Map<String, String> env = environment(
                Unique.name("file-orders"),
                Unique.directory("file-orders-state").toString(),
                freePort());
        env.put("PROCESSOR_FILE_URIS_ENABLED", "true");

        start(env, null);

        Waits.await("the order of file photos on headshots.jobs", Duration.ofSeconds(90))
                .until(() -> !jobs().isEmpty());
        HeadshotJob job = jobs().get(0);
        assertThat(job.getOrderId()).isEqualTo("files-order");
        assertThat(job.getInputImageUrls())
                .as("the URIs, never the bytes")
                .hasSize(4)
                .allMatch(uri -> uri.startsWith("file:"));
        // The JSON form refuses file:// URLs (422): an accepted job is one sent as files.
        assertThat(emulator.counters().snapshot().headshotSubmissions()).isEqualTo(1);
        Waits.await("Runflow's callback for the order of file photos")
                .until(() -> callbacks.containsKey(job.getJobRef()));
        assertThat(callbacks.get(job.getJobRef())).containsOnly(job.getHeadshotsId());
        assertThat(KAFKA.clients()
                        .readAllCommitted(topics.jobsDlq(), new StringDeserializer(), new StringDeserializer()))
                .isEmpty();
    }
}
