package io.runflowkafka.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Twelve partitions saturated behind a 60 s Runflow outage, with a backlog of more than 100 times
 * {@code max-in-flight}, in a processor JVM with a small heap: the instance stays RUNNING (no transaction runs
 * into its time-out, nothing is fenced), the pending calls stay under their bound (the input waits in Kafka),
 * nothing is dead-lettered, and everything is scored once Runflow is back.
 */
class SaturatedOutageIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SCOPE = Unique.name("saturated-it");
    private static final int MAX_IN_FLIGHT = 8;
    private static final int BACKLOG = 100 * MAX_IN_FLIGHT + 400;
    private static final Pattern GAUGE =
            Pattern.compile("^(processor_pending_calls(?:_bound)?)(?:\\{[^}]*})?\\s+([0-9.eE+]+)$", Pattern.MULTILINE);
    private static RunflowEmulator emulator;
    private static LocalSchemaRegistryServer registry;

    @BeforeAll
    static void start() {
        registry = LocalSchemaRegistryServer.start(SCOPE, 0);
        emulator = RunflowEmulator.builder().httpsPort(0).build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
        registry.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldStayRunningWithBoundedPendingCallsThroughASixtySecondOutage() throws Exception {
        GateFixture fixture = new GateFixture(KAFKA, registry.url(), 12);
        List<UploadEvent> uploads = IntStream.range(0, BACKLOG)
                .mapToObj(n -> GateFixture.upload(
                        n, "order-" + (n % 240), emulator.sampleUrl(n % 3 == 0 ? "dark.jpg" : "portrait.jpg")))
                .toList();
        int port = freePort();
        Map<String, String> env =
                new HashMap<>(fixture.environment(emulator.baseUrl(), RunflowEmulator.DEFAULT_API_KEY, MAX_IN_FLIGHT));
        env.put("HTTP_PORT", Integer.toString(port));
        Path log = Unique.directory("saturated-it-logs").resolve("processor.log");
        Process processor = ProcessorJvm.launch(env, log, "128m");
        HttpClient http = HttpClient.newHttpClient();
        try {
            Waits.await("the processor running", Duration.ofMinutes(1))
                    .until(() -> get(http, port, "/health/ready").contains("\"running\""));
            emulator.faults().outageFor(Duration.ofSeconds(60));
            fixture.feed(uploads);

            List<String> states = new ArrayList<>();
            List<double[]> pending = new ArrayList<>();
            long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(58);
            while (System.nanoTime() < outageEnds) {
                assertThat(processor.isAlive()).as("the processor JVM is alive").isTrue();
                states.add(get(http, port, "/health/ready"));
                String metrics = get(http, port, "/metrics");
                pending.add(new double[] {
                    gauge(metrics, "processor_pending_calls"), gauge(metrics, "processor_pending_calls_bound")
                });
                TimeUnit.SECONDS.sleep(1);
            }
            assertThat(fixture.outputs())
                    .as("nothing routed or dead-lettered during the outage")
                    .isZero();
            // A transaction held open past its time-out is aborted by the broker: the producer is fenced, or its
            // next batches are refused as out of sequence for good.
            assertNoAbortedTransaction(log);
            assertThat(states)
                    .as("Kafka Streams' state throughout the outage")
                    .allSatisfy(state -> assertThat(state).contains("\"running\""));
            assertThat(pending).as("pending calls and their bound, each second").allSatisfy(sample -> {
                assertThat(sample[1]).isPositive();
                assertThat(sample[0]).isLessThanOrEqualTo(sample[1]);
            });
            assertThat(pending.stream().mapToDouble(sample -> sample[0]).max().orElseThrow())
                    .as("the most pending calls")
                    .isLessThan(BACKLOG);

            Waits.await("all " + BACKLOG + " uploads scored after the outage", Duration.ofMinutes(3))
                    .until(() -> fixture.outputs() >= BACKLOG);
            assertThat(KAFKA.clients().countCommitted(fixture.topics.deadLetter()))
                    .as("dead letters")
                    .isZero();
            assertThat(fixture.occurrences())
                    .hasSize(BACKLOG)
                    .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
            assertNoAbortedTransaction(log);
        } finally {
            ProcessorJvm.stop(processor);
        }
    }

    /**
     * Fails on any sign that the broker aborted one of the processor's transactions: a fenced or re-epoched
     * producer, a task migrated for it, or a batch refused as out of sequence for good. A batch the producer
     * retries after {@code OUT_OF_ORDER_SEQUENCE_NUMBER} is not one: the client retries such a batch only when
     * an earlier batch of its partition is still being retried (here after {@code CONCURRENT_TRANSACTIONS}, while
     * the previous transaction's markers are written), and the transaction goes on.
     */
    private static void assertNoAbortedTransaction(Path log) throws IOException {
        String text = Files.readString(log);
        assertThat(text)
                .as("the processor's log")
                .doesNotContain(
                        "TaskMigratedException",
                        "ProducerFencedException",
                        "InvalidProducerEpochException",
                        "OutOfOrderSequenceException",
                        "OutOfMemoryError");
        assertThat(text.lines().filter(line -> line.contains("OUT_OF_ORDER_SEQUENCE_NUMBER")))
                .as("batches refused as out of sequence and not retried")
                .allSatisfy(line -> assertThat(line).containsPattern("retrying \\(\\d+ attempts left\\)"));
    }

    private static double gauge(String metrics, String name) {
        Matcher matcher = GAUGE.matcher(metrics);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        return Double.NaN;
    }

    private static String get(HttpClient http, int port, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
