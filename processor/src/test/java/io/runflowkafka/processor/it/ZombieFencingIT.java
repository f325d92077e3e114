package io.runflowkafka.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A zombie wakes up and tries to commit: instance A takes over a task that holds pending calls on a quiet
 * input and re-issues them, then is paused (SIGSTOP) past its session time-out; B takes the task over, re-issues
 * the same calls and routes their answers; A is woken (SIGCONT) with its own answers ready to forward. Every
 * upload must still appear exactly once for read_committed readers: A's transaction must be fenced.
 */
class ZombieFencingIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SCOPE = Unique.name("zombie-it");
    private static final int UPLOADS = 20;
    private static RunflowEmulator emulator;
    private static LocalSchemaRegistryServer registry;

    @BeforeAll
    static void start() {
        registry = LocalSchemaRegistryServer.start(SCOPE, 0);
        emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .faults(FaultSettings.NONE.withLatency(LatencySpec.fixed(Duration.ofSeconds(4))))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
        registry.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldNotCommitTheOutputOfAZombieThatWakesWithAnswersToForward() throws Exception {
        GateFixture fixture = new GateFixture(KAFKA, registry.url(), 1);
        List<UploadEvent> uploads = IntStream.range(0, UPLOADS)
                .mapToObj(n -> GateFixture.upload(n, "order-" + n, emulator.sampleUrl("portrait.jpg")))
                .toList();
        Map<String, String> env =
                new HashMap<>(fixture.environment(emulator.baseUrl(), RunflowEmulator.DEFAULT_API_KEY, 32));
        env.put("RUNFLOW_REQUEST_TIMEOUT_MS", "120000");
        env.put("RUNFLOW_TOTAL_TIMEOUT_MS", "180000");
        Path logs = Unique.directory("zombie-it-logs");
        List<Process> started = new ArrayList<>();
        try {
            // 1. A first owner takes the uploads into its pending store, commits their offsets, and dies.
            long before = scoreRequests();
            Process first = launch(env, "first", logs, started);
            fixture.feed(uploads);
            Waits.await("the first owner to call Runflow for every upload", Duration.ofMinutes(1))
                    .until(() -> scoreRequests() - before >= UPLOADS);
            Waits.await("the input offsets committed with the pending calls", Duration.ofSeconds(30))
                    .until(() -> committedInput(fixture) >= UPLOADS);
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
            assertThat(fixture.outputs()).as("answers routed before the kill").isZero();

            // 2. A takes the task over on a quiet input, re-issues the calls, and is paused before they answer.
            long beforeA = scoreRequests();
            Process zombie = launch(env, "a", logs, started);
            Waits.await("A to re-issue the pending calls", Duration.ofMinutes(1))
                    .until(() -> scoreRequests() - beforeA >= UPLOADS);
            ProcessorJvm.signal(zombie, "STOP");

            // 3. B takes the task over once A's session has expired, re-issues the calls and routes the answers.
            launch(env, "b", logs, started);
            Waits.await("B to route every upload", Duration.ofMinutes(2)).until(() -> fixture.outputs() >= UPLOADS);

            // 4. A wakes up with its answers arrived, and tries to forward and commit them.
            ProcessorJvm.signal(zombie, "CONT");
            Waits.await("A awake for a while")
                    .during(Duration.ofSeconds(15))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> true);

            Map<String, Long> seen = fixture.occurrences();
            assertThat(seen).hasSize(UPLOADS);
            assertThat(seen)
                    .as("outputs per upload, for read_committed readers")
                    .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
            assertThat(zombie.isAlive())
                    .as("A, fenced, rejoined instead of dying")
                    .isTrue();
        } finally {
            for (Process process : started) {
                ProcessorJvm.signal(process, "CONT");
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static long scoreRequests() {
        return emulator.counters().snapshot().scoreRequests();
    }

    private static long committedInput(GateFixture fixture) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(fixture.applicationId)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().toString().startsWith(fixture.topics.uploaded()))
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    private static Process launch(Map<String, String> env, String name, Path logs, List<Process> started)
            throws IOException {
        Map<String, String> own = new HashMap<>(env);
        own.put(
                "PROCESSOR_STATE_DIR",
                Unique.directory("zombie-it-state-" + name).toString());
        Process process = ProcessorJvm.launch(own, logs.resolve("processor-" + name + ".log"), "256m");
        started.add(process);
        return process;
    }
}
