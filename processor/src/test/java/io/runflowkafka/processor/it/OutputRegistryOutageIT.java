package io.runflowkafka.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real processor instances start with their output schema ids not cached, and the registry refuses only the
 * accepted and retake subjects for a while (503s) as the answers come back: every upload is still routed exactly
 * once, and none is dead-lettered.
 */
class OutputRegistryOutageIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SCOPE = Unique.name("output-outage-it");
    private static RunflowEmulator emulator;
    private static LocalSchemaRegistryServer registry;
    private static BlockingRegistryProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalSchemaRegistryServer.start(SCOPE, 0);
        proxy = BlockingRegistryProxy.in(registry.url());
        emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .faults(FaultSettings.NONE.withLatency(LatencySpec.fixed(Duration.ofMillis(50))))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
        proxy.close();
        registry.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldRouteEveryUploadExactlyOnceThroughAnOutputRegistryOutage() {
        GateFixture fixture = new GateFixture(KAFKA, proxy.url(), 4);
        int total = 300;
        List<UploadEvent> uploads = IntStream.range(0, total)
                .mapToObj(n -> GateFixture.upload(
                        n, "order-" + (n % 30), emulator.sampleUrl(n % 3 == 0 ? "dark.jpg" : "portrait.jpg")))
                .toList();
        fixture.feed(uploads);
        proxy.block(fixture.topics.accepted() + "-value", fixture.topics.retake() + "-value");
        long scoredBefore = emulator.counters().snapshot().scoreRequests();

        List<ProcessorApp> apps = new ArrayList<>();
        try {
            for (int n = 0; n < 2; n++) {
                Map<String, String> env =
                        new HashMap<>(fixture.environment(emulator.baseUrl(), RunflowEmulator.DEFAULT_API_KEY, 16));
                env.put(
                        "PROCESSOR_STATE_DIR",
                        Unique.directory("processor-state").toString());
                apps.add(ProcessorApp.start(ProcessorConfig.load(Optional.empty(), env)));
            }
            Waits.await(
                            "answers to come back while the output subjects are blocked (one per order, ordered mode)",
                            Duration.ofMinutes(1))
                    .until(() ->
                            emulator.counters().snapshot().scoreRequests() - scoredBefore >= 20 && proxy.refused() > 0);
            Waits.await("a few seconds of outage")
                    .during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> fixture.outputs() == 0);
            assertThat(apps)
                    .as("ready while the output is held")
                    .allSatisfy(app -> assertThat(app.health().ready()).isFalse());

            proxy.unblock();

            Waits.await("all " + total + " uploads routed after the outage", Duration.ofMinutes(2))
                    .until(() -> fixture.outputs() >= total);
            assertThat(KAFKA.clients().countCommitted(fixture.topics.deadLetter()))
                    .as("dead letters")
                    .isZero();
            Map<String, Long> seen = fixture.occurrences();
            assertThat(seen).hasSize(total);
            assertThat(seen).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
            Waits.await("the instances ready again")
                    .until(() -> apps.stream().allMatch(a -> a.health().ready()));
        } finally {
            apps.forEach(ProcessorApp::close);
        }
    }
}
