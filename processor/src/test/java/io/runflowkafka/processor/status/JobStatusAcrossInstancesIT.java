package io.runflowkafka.processor.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job-status API across real processor instances: one application id, each instance with its own
 * {@code processor.application-server}, a real broker, the emulator as Runflow. An instance asked for a job
 * held by another forwards the request and relays the answer; while the group rebalances, an instance that
 * cannot answer says so with a 503 and {@code Retry-After}, never with a wrong answer.
 */
class JobStatusAcrossInstancesIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;
    private static final int ORDERS = 12;

    private static RunflowEmulator emulator;

    private final String scope = Unique.name("status-it");
    private final Map<String, Object> registry = Map.of("schema.registry.url", "mock://" + scope);
    private final List<ProcessorApp> apps = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> topics = new LinkedHashMap<>();

    @BeforeAll
    static void startRunflow() {
        emulator = RunflowEmulator.builder().build().start();
    }

    @AfterAll
    static void stopRunflow() {
        emulator.close();
    }

    @AfterEach
    void stopProcessors() {
        apps.forEach(ProcessorApp::close);
        MockSchemaRegistry.dropScope(scope);
    }

    private void createTopics() {
        for (String name : List.of(
                "uploaded",
                "accepted",
                "retake",
                "uploaded-dlq",
                "jobs",
                "jobs-dlq",
                "completed",
                "archived",
                "completed-dlq")) {
            String topic = Unique.topic("status-" + name);
            KAFKA.topics().create(topic, PARTITIONS);
            topics.put(name, topic);
        }
    }

    private Map<String, String> environment(String applicationId, int httpPort) {
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
        env.put("PROCESSOR_TOPIC_UPLOADED", topics.get("uploaded"));
        env.put("PROCESSOR_TOPIC_ACCEPTED", topics.get("accepted"));
        env.put("PROCESSOR_TOPIC_RETAKE", topics.get("retake"));
        env.put("PROCESSOR_TOPIC_UPLOADED_DLQ", topics.get("uploaded-dlq"));
        env.put("PROCESSOR_TOPIC_JOBS", topics.get("jobs"));
        env.put("PROCESSOR_TOPIC_JOBS_DLQ", topics.get("jobs-dlq"));
        env.put("PROCESSOR_TOPIC_COMPLETED", topics.get("completed"));
        env.put("PROCESSOR_TOPIC_ARCHIVED", topics.get("archived"));
        env.put("PROCESSOR_TOPIC_COMPLETED_DLQ", topics.get("completed-dlq"));
        env.put("PROCESSOR_STATE_DIR", Unique.directory("status-state").toString());
        env.put("PROCESSOR_SHUTDOWN_TIMEOUT_MS", "10000");
        env.put("PROCESSOR_BRIDGE_PUBLIC_URL", "http://127.0.0.1:9");
        env.put("PROCESSOR_CALLBACK_SECRET", "status-it-callback-secret-0123456789");
        env.put("RUNFLOW_BASE_URL", emulator.baseUrl());
        env.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
        return env;
    }

    private ProcessorApp start(String applicationId) throws IOException {
        ProcessorApp app =
                ProcessorApp.start(ProcessorConfig.load(Optional.empty(), environment(applicationId, freePort())));
        apps.add(app);
        return app;
    }

    /** One job per order, as the processor's submitter writes them to headshots.jobs. */
    private Map<String, String> feedJobs() {
        Map<String, String> headshotsIds = new LinkedHashMap<>();
        try (KafkaProducer<String, HeadshotJob> producer = KAFKA.clients()
                .producer(
                        new StringSerializer(),
                        AvroSerdes.specific(HeadshotJob.class, registry, false).serializer())) {
            for (int n = 0; n < ORDERS; n++) {
                String order = "order-" + n;
                String headshotsId = UUID.randomUUID().toString();
                headshotsIds.put(order, headshotsId);
                HeadshotJob job = HeadshotJob.newBuilder()
                        .setOrderId(order)
                        .setUserId("user-" + n)
                        .setJobRef(UUID.randomUUID().toString())
                        .setHeadshotsId(headshotsId)
                        .setInputImageUrls(List.of("https://img.example/" + order + "/1.jpg"))
                        .setUploadIds(List.of(order + "-u1"))
                        .setSubmittedAt(Instant.now())
                        .setAttributes(Map.of())
                        .build();
                producer.send(new ProducerRecord<>(topics.get("jobs"), order, job));
            }
            producer.flush();
        }
        return headshotsIds;
    }

    private HttpResponse<String> get(ProcessorApp app, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The judged answer of one request; "unreachable" when the instance does not answer at all. */
    private String verdict(ProcessorApp app, String path, String order, String headshotsId) {
        try {
            return judge(get(app, path), order, headshotsId);
        } catch (IOException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static HostInfo host(ProcessorApp app) {
        return new HostInfo("127.0.0.1", app.httpPort());
    }

    private static HostInfo holder(ProcessorApp app, String store, String key) {
        KeyQueryMetadata metadata = app.streams().queryMetadataForKey(store, key, new StringSerializer());
        return metadata == null ? null : metadata.activeHost();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean running(List<ProcessorApp> instances) {
        return instances.stream().allMatch(app -> app.streams().state() == KafkaStreams.State.RUNNING);
    }

    /** What an answer may be: the job, right; or 503 with Retry-After and the JSON error. Anything else is wrong. */
    private static String judge(HttpResponse<String> response, String order, String headshotsId) {
        try {
            if (response.statusCode() == 200) {
                JsonNode body = JSON.readTree(response.body());
                return body.path("order_id").asText().equals(order)
                                && body.path("headshots_id").asText().equals(headshotsId)
                        ? "200"
                        : "wrong 200: " + response.body();
            }
            if (response.statusCode() == 503) {
                JsonNode body = JSON.readTree(response.body());
                boolean clear = response.headers().firstValue("Retry-After").isPresent()
                        && body.path("error").asText().equals("unavailable")
                        && !body.path("message").asText().isBlank();
                return clear
                        ? "503"
                        : "unclear 503 (Retry-After "
                                + response.headers().firstValue("Retry-After").orElse("missing") + "): "
                                + response.body();
            }
            return response.statusCode() + ": " + response.body();
        } catch (IOException e) {
            return "not JSON: " + response.body();
        }
    }

    @Test
    void shouldAnswerForAJobHeldByTheOtherInstanceAndSay503WithRetryAfterWhileTheGroupRebalances() throws Exception {
        createTopics();
        String applicationId = Unique.name("status");
        ProcessorApp a = start(applicationId);
        ProcessorApp b = start(applicationId);
        Map<String, String> headshotsIds = feedJobs();
        Waits.await("both instances running, each holding job-status partitions", Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(() -> running(List.of(a, b))
                        && headshotsIds.keySet().stream()
                                        .map(o -> holder(a, JobStatusTopology.BY_ORDER_ID_STORE, o))
                                        .distinct()
                                        .count()
                                == 2);
        Waits.await("every order's status in the view", Duration.ofSeconds(60))
                .until(() -> headshotsIds.entrySet().stream()
                        .allMatch(job -> verdict(a, "/jobs/" + job.getKey(), job.getKey(), job.getValue())
                                .equals("200")));

        // Each instance is asked for every job the other holds, by order id and by headshots id.
        int forwarded = 0;
        for (Map.Entry<String, String> job : headshotsIds.entrySet()) {
            String order = job.getKey();
            String headshotsId = job.getValue();
            for (var entry : List.of(
                    Map.entry(JobStatusTopology.BY_ORDER_ID_STORE, "/jobs/" + order),
                    Map.entry(JobStatusTopology.BY_HEADSHOTS_ID_STORE, "/jobs/by-headshots-id/" + headshotsId))) {
                String key = entry.getKey().equals(JobStatusTopology.BY_ORDER_ID_STORE) ? order : headshotsId;
                HostInfo holder = holder(a, entry.getKey(), key);
                assertThat(holder).as("the holder of " + key).isIn(host(a), host(b));
                ProcessorApp other = holder.equals(host(a)) ? b : a;
                assertThat(judge(get(other, entry.getValue()), order, headshotsId))
                        .as(entry.getValue() + " asked of the instance that does not hold it")
                        .isEqualTo("200");
                forwarded++;
            }
        }
        assertThat(forwarded).isEqualTo(2 * ORDERS);

        // A third instance joins, then the second leaves: ask both of the others without pause meanwhile.
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicBoolean asking = new AtomicBoolean(true);
        List<ProcessorApp> asked = new CopyOnWriteArrayList<>(List.of(a, b));
        Thread client = new Thread(
                () -> {
                    while (asking.get()) {
                        for (ProcessorApp app : asked) {
                            for (Map.Entry<String, String> job : headshotsIds.entrySet()) {
                                for (String path :
                                        List.of("/jobs/" + job.getKey(), "/jobs/by-headshots-id/" + job.getValue())) {
                                    try {
                                        String verdict = judge(get(app, path), job.getKey(), job.getValue());
                                        answers.computeIfAbsent(
                                                        verdict.startsWith("200") || verdict.startsWith("503")
                                                                ? verdict
                                                                : "wrong",
                                                        v -> new AtomicInteger())
                                                .incrementAndGet();
                                        if (!verdict.equals("200") && !verdict.equals("503")) {
                                            wrong.add(app.httpPort() + path + " -> " + verdict + " (states " + states()
                                                    + ")");
                                        }
                                    } catch (IOException e) {
                                        // The instance asked is the one leaving: its server is gone, not a wrong
                                        // answer.
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            }
                        }
                    }
                },
                "status-client");
        client.start();
        ProcessorApp c = start(applicationId);
        asked.add(c);
        Waits.await("three instances running with the job-status partitions spread", Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(() -> running(List.of(a, b, c))
                        && headshotsIds.keySet().stream()
                                .anyMatch(o -> host(c).equals(holder(a, JobStatusTopology.BY_ORDER_ID_STORE, o))));
        asked.remove(b);
        b.close();
        apps.remove(b);
        Waits.await("two instances running again after the second left", Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(() -> running(List.of(a, c))
                        && headshotsIds.keySet().stream()
                                .noneMatch(o -> host(b).equals(holder(a, JobStatusTopology.BY_ORDER_ID_STORE, o))));
        Waits.await("every job answered by both instances", Duration.ofSeconds(60))
                .until(() -> headshotsIds.entrySet().stream()
                        .allMatch(job -> List.of(a, c).stream()
                                .allMatch(app -> verdict(app, "/jobs/" + job.getKey(), job.getKey(), job.getValue())
                                        .equals("200"))));
        asking.set(false);
        client.join(30_000);

        System.out.printf(
                "job status across instances: %d forwarded answers right; during the rebalances %s%n",
                forwarded, answers);
        assertThat(wrong)
                .as("answers during the rebalances that were neither right nor a clear 503")
                .isEmpty();
        assertThat(answers.get("200")).as("right answers during the rebalances").isNotNull();
        assertThat(answers.get("503"))
                .as("clear 503s while stores were moving (the leaver's, until the group noticed)")
                .isNotNull();
    }

    private String states() {
        StringBuilder states = new StringBuilder();
        for (ProcessorApp app : new ArrayList<>(apps)) {
            states.append(app.httpPort())
                    .append('=')
                    .append(app.streams().state())
                    .append(' ');
        }
        return states.toString().strip();
    }
}
