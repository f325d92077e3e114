package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.OrderMetrics;
import io.runflowkafka.processor.orders.OrderSettings;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keeps the description of {@link ProcessorTopology#build}'s topology, with the default topic names, in
 * {@code src/test/resources/topology/}, so that every change to the topology (a node, a store, a repartition topic)
 * shows up in review as a change of that file. Renaming a store or an internal topic breaks running applications:
 * a diff here that renames one needs a migration, not a new snapshot.
 */
class ProcessorTopologySnapshotTest {

    /** {@code -Dtopology.snapshot.update=true} writes the current descriptions instead of comparing them. */
    static final String UPDATE = "topology.snapshot.update";

    private static final String SCOPE = "processor-topology-snapshot-test";
    private static final Map<String, Object> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);

    private final CallLimiter limiter = new CallLimiter(64, 0);

    @AfterEach
    void tearDown() {
        limiter.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldDescribeTheWholeTopologyAsInTheSnapshot() throws IOException {
        matchesSnapshot(
                ProcessorTopology.build(gate(), orders(), Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME)),
                "processor-topology.txt");
    }

    @Test
    void shouldDescribeTheQualityGateAloneAsInTheSnapshot() throws IOException {
        matchesSnapshot(
                ProcessorTopology.build(gate(), Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME)),
                "processor-topology-gate-only.txt");
    }

    private ProcessorTopology.Gate gate() {
        return new ProcessorTopology.Gate(
                ProcessorConfig.defaults().gateTopics(),
                ProcessorConfig.defaults().gateSettings(),
                upload -> CompletableFuture.completedFuture(new ScoreResult(0.9, 70, 80, List.of())),
                limiter,
                new GateMetrics(new SimpleMeterRegistry(), limiter),
                AvroSerdes.specific(UploadEvent.class, REGISTRY, false),
                AvroSerdes.specific(ScoredUpload.class, REGISTRY, false));
    }

    private static ProcessorTopology.Orders orders() {
        InFlightSubmissions inFlight = new InFlightSubmissions();
        return new ProcessorTopology.Orders(
                ProcessorConfig.defaults().orderTopics(),
                new OrderSettings(
                        4,
                        1,
                        Duration.ofMinutes(15),
                        "https://hooks.example.com",
                        new CallSettings(64, Duration.ofMillis(10), CallSettings.holdingRetries())),
                ProcessorConfig.defaults().statusTopics(),
                (callbackUrl, images) -> CompletableFuture.completedFuture(new HeadshotsSubmission("unused")),
                CallbackTokens.of("topology-snapshot-test-callback-secret"),
                new OrderMetrics(new SimpleMeterRegistry(), inFlight),
                inFlight,
                (partition, since) -> true,
                AvroSerdes.specific(HeadshotJob.class, REGISTRY, false),
                AvroSerdes.specific(HeadshotsCompleted.class, REGISTRY, false),
                AvroSerdes.specific(HeadshotsArchived.class, REGISTRY, false));
    }

    private static void matchesSnapshot(Topology topology, String name) throws IOException {
        String actual = topology.describe().toString();
        Path source = Path.of(System.getProperty("basedir", "."), "src/test/resources/topology", name);
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(source.getParent());
            Files.writeString(source, actual, StandardCharsets.UTF_8);
            return;
        }
        String expected;
        try (InputStream in = ProcessorTopologySnapshotTest.class.getResourceAsStream("/topology/" + name)) {
            assertThat(in)
                    .as("snapshot %s (create it with -D%s=true)", source, UPDATE)
                    .isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!expected.equals(actual)) {
            fail("The topology differs from its snapshot " + source + " (- snapshot, + now):\n\n"
                    + diff(expected, actual)
                    + "\nIf the change is intended (no store, changelog or repartition topic renamed: that breaks running"
                    + " applications), regenerate the snapshot and commit it with the change:\n"
                    + "  ./mvnw -B -o -pl processor test -Dtest=ProcessorTopologySnapshotTest -D" + UPDATE + "=true\n");
        }
    }

    /** A line diff (longest common subsequence) of two texts, with two lines of context around each change. */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                lines.add("  " + a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
                lines.add("- " + a.get(i++));
            } else {
                lines.add("+ " + b.get(j++));
            }
        }
        StringBuilder out = new StringBuilder();
        boolean skipped = false;
        for (int n = 0; n < lines.size(); n++) {
            if (nearChange(lines, n, 2)) {
                if (skipped) {
                    out.append("  ...\n");
                    skipped = false;
                }
                out.append(lines.get(n)).append('\n');
            } else {
                skipped = true;
            }
        }
        return out.toString();
    }

    private static boolean nearChange(List<String> lines, int n, int context) {
        for (int k = Math.max(0, n - context); k <= Math.min(lines.size() - 1, n + context); k++) {
            if (!lines.get(k).startsWith("  ")) {
                return true;
            }
        }
        return false;
    }
}
