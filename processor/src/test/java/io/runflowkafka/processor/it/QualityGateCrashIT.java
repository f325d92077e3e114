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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills the processor's JVM with SIGKILL (no clean close, no commit) while calls are in flight, several
 * times, and counts every output: none lost, none duplicated, for read_committed readers.
 */
class QualityGateCrashIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SCOPE = Unique.name("crash-it");
    private static RunflowEmulator emulator;
    private static LocalSchemaRegistryServer registry;

    @BeforeAll
    static void start() {
        registry = LocalSchemaRegistryServer.start(SCOPE, 0);
        emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .faults(FaultSettings.NONE.withLatency(LatencySpec.fixed(Duration.ofMillis(250))))
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
    void shouldNeitherLoseNorDuplicateAnUploadWhenKilledMidFlight() throws Exception {
        GateFixture fixture = new GateFixture(KAFKA, registry.url(), 4);
        int total = 600;
        List<UploadEvent> uploads = IntStream.range(0, total)
                .mapToObj(n -> GateFixture.upload(
                        n, "order-" + (n % 60), emulator.sampleUrl(n % 3 == 0 ? "dark.jpg" : "portrait.jpg")))
                .toList();
        fixture.feed(uploads);
        Map<String, String> env = fixture.environment(emulator.baseUrl(), RunflowEmulator.DEFAULT_API_KEY, 16);
        Path logs = Unique.directory("crash-it-logs");

        for (int kill = 1; kill <= 3; kill++) {
            int before = fixture.outputs();
            Process processor = launch(env, logs.resolve("processor-" + kill + ".log"));
            try {
                int target = before + 60;
                Waits.await("the processor at run " + kill + " to route 60 more uploads", Duration.ofMinutes(2))
                        .until(() -> fixture.outputs() >= Math.min(target, total));
            } finally {
                processor.destroyForcibly(); // SIGKILL: calls in flight, an open transaction, nothing closed
                processor.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(emulator.counters().snapshot().scoreRequests()).isPositive();
        }
        Process last = launch(env, logs.resolve("processor-final.log"));
        try {
            Waits.await("all " + total + " uploads routed after three kills", Duration.ofMinutes(3))
                    .until(() -> fixture.outputs() >= total);
            Map<String, Long> seen = fixture.occurrences();
            assertThat(seen).hasSize(total);
            assertThat(seen).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
            assertThat(fixture.outputs()).isEqualTo(total);
            assertThat(emulator.counters().snapshot().scoreRequests())
                    .as("calls lost with the killed JVMs were issued again")
                    .isGreaterThan(total);
        } finally {
            last.destroy();
            last.waitFor(30, TimeUnit.SECONDS);
            last.destroyForcibly();
        }
    }

    private static Process launch(Map<String, String> env, Path log) throws IOException {
        return ProcessorJvm.launch(env, log, "384m");
    }
}
