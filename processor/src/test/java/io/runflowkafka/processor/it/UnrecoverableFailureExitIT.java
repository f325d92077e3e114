package io.runflowkafka.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.common.service.ServiceLauncher;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A processor whose Kafka Streams client stops for good (here: the schema registry refuses its credentials, which
 * no new stream thread can fix) exits the JVM with a non-zero status after one clear line, so that a supervisor
 * starts it again; it does not stay up doing nothing.
 */
class UnrecoverableFailureExitIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SCOPE = Unique.name("exit-it");
    private static RunflowEmulator emulator;
    private static LocalSchemaRegistryServer registry;
    private static BlockingRegistryProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalSchemaRegistryServer.start(SCOPE, 0);
        proxy = BlockingRegistryProxy.in(registry.url());
        emulator = RunflowEmulator.builder().httpsPort(0).build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
        proxy.close();
        registry.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldExitNonZeroWhenKafkaStreamsStopsForGood() throws Exception {
        GateFixture fixture = new GateFixture(KAFKA, proxy.url(), 2);
        fixture.feed(IntStream.range(0, 10)
                .mapToObj(n -> GateFixture.upload(n, "order-" + n, emulator.sampleUrl("portrait.jpg")))
                .toList());
        Map<String, String> env = fixture.environment(emulator.baseUrl(), RunflowEmulator.DEFAULT_API_KEY, 8);
        Path log = Unique.directory("exit-it-logs").resolve("processor.log");
        proxy.answerAll(401); // before the processor has read any schema: it cannot decode its input
        Process processor = ProcessorJvm.launch(env, log, "256m");
        try {
            assertThat(processor.waitFor(2, TimeUnit.MINUTES))
                    .as("the processor JVM exited")
                    .isTrue();
            assertThat(processor.exitValue()).isEqualTo(ServiceLauncher.EXIT_STOPPED_FOR_GOOD);
            assertThat(Files.readAllLines(log))
                    .filteredOn(line -> line.contains("exiting with status"))
                    .singleElement()
                    .asString()
                    .contains("stopped for good");
        } finally {
            processor.destroyForcibly();
            processor.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
