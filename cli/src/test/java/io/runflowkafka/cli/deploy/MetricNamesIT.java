package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.bridge.WebhookBridge;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.sink.SinkConfig;
import io.runflowkafka.sink.StorageSink;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.io.OutputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every metric the Grafana dashboard and the alert rules read exists on the running services' {@code /metrics}:
 * the processor, the webhook bridge and the storage sink, started in-process against a real broker, the local
 * schema registry and the Runflow emulator over HTTP, after one order went through the whole pipeline.
 */
class MetricNamesIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /**
     * Names a scrape cannot show, each with the reason. Kept as small as possible: every meter the dashboard or
     * the rules need is registered when its service starts, or after the traffic this test sends.
     */
    private static final Map<String, String> NOT_EXPOSED = Map.of();

    private static final String PASSWORD = "changeit";

    @Test
    void shouldExposeEveryMetricTheDashboardAndTheRulesRead() throws Exception {
        Path work = Files.createDirectories(Path.of("target", Unique.name("metric-names-it")));
        List<AutoCloseable> running = new ArrayList<>();
        try {
            LocalSchemaRegistryServer registry =
                    started(running, LocalSchemaRegistryServer.start(Unique.name("metric-names"), 0));
            String callbackSecret = "0123456789abcdef0123456789abcdef";
            RunflowEmulator emulator = started(
                    running,
                    RunflowEmulator.builder()
                            .port(0)
                            .httpsPort(0)
                            .headshotsDelay(Duration.ofMillis(500))
                            .build()
                            .start());

            Map<String, String> common = new HashMap<>();
            common.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
            common.put("SCHEMA_REGISTRY_URL", registry.url());
            common.put("HTTP_HOST", "127.0.0.1");
            common.put("HTTP_PORT", "0");
            common.put("TOPICS_PARTITIONS", "2");

            Map<String, String> bridgeEnv = new HashMap<>(common);
            bridgeEnv.put("BRIDGE_CALLBACK_SECRETS", callbackSecret);
            WebhookBridge bridge =
                    started(running, WebhookBridge.start(BridgeConfig.load(Optional.empty(), bridgeEnv)));

            Map<String, String> processorEnv = new HashMap<>(common);
            processorEnv.put(
                    "PROCESSOR_STATE_DIR", work.resolve("processor-state").toString());
            processorEnv.put("PROCESSOR_BRIDGE_PUBLIC_URL", "http://127.0.0.1:" + bridge.port());
            processorEnv.put("PROCESSOR_CALLBACK_SECRET", callbackSecret);
            processorEnv.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "2000");
            processorEnv.put("RUNFLOW_BASE_URL", emulator.baseUrl());
            processorEnv.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
            ProcessorApp processor =
                    started(running, ProcessorApp.start(ProcessorConfig.load(Optional.empty(), processorEnv)));

            Path trustStore = work.resolve("emulator-truststore.p12");
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                RunflowEmulator.devTrustStore().store(out, PASSWORD.toCharArray());
            }
            Map<String, String> sinkEnv = new HashMap<>(common);
            sinkEnv.put("SINK_ARCHIVE_DIR", work.resolve("archive").toString());
            sinkEnv.put(
                    "SINK_URL_ALLOWED_HOSTS",
                    URI.create(emulator.publicBaseUrl()).getAuthority());
            sinkEnv.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
            sinkEnv.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
            sinkEnv.put("SINK_TLS_TRUSTSTORE_PASSWORD", PASSWORD);
            StorageSink sink = started(running, StorageSink.start(SinkConfig.load(Optional.empty(), sinkEnv)));

            send(registry.url(), emulator);
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("runflow-kafka-processor", processor.httpPort());
            ports.put("runflow-kafka-bridge", bridge.port());
            ports.put("runflow-kafka-sink", sink.opsPort());
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            Waits.await("one order archived by the sink", Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Scrape scrape = scrape(http, "runflow-kafka-sink", ports.get("runflow-kafka-sink"));
                        Files.writeString(work.resolve("runflow-kafka-sink.waiting.txt"), scrape.text());
                        return scrape.samples().stream()
                                .anyMatch(l -> l.startsWith("sink_events_archived_total{") && !l.endsWith(" 0.0"));
                    });

            // Micrometer's GC timers appear at a JVM's first collection after binding; a large default heap can
            // finish this test without one (CI of 2026-12-08: "jvm_gc_pause_seconds_sum" missing). The services
            // share this JVM, so one collection reaches all three; its notification arrives asynchronously.
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                Waits.await(port.getKey() + " reports the GC pause after System.gc()", Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            Scrape scrape = scrape(http, port.getKey(), port.getValue());
                            Files.writeString(work.resolve(port.getKey() + ".metrics.txt"), scrape.text());
                            boolean seen = scrape.samples().stream()
                                    .anyMatch(l -> l.startsWith("jvm_gc_pause_seconds_count{"));
                            if (!seen) {
                                System.gc();
                            }
                            return seen;
                        });
            }
            Map<String, Scrape> scrapes = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                Scrape scrape = scrape(http, port.getKey(), port.getValue());
                scrapes.put(port.getKey(), scrape);
                Files.writeString(work.resolve(port.getKey() + ".metrics.txt"), scrape.text());
            }
            assertEveryReadNameExposed(scrapes);
        } finally {
            for (int i = running.size() - 1; i >= 0; i--) {
                running.get(i).close();
            }
        }
    }

    private static void assertEveryReadNameExposed(Map<String, Scrape> scrapes) {
        scrapes.forEach((application, scrape) -> assertThat(scrape.samples())
                .as(application + " says it is ready, under its application tag")
                .contains("service_ready{application=\"" + application + "\"} 1.0"));

        Map<String, String> expressions = new LinkedHashMap<>();
        PrometheusRules.alerts().forEach(a -> expressions.put("alert " + a.name(), a.expression()));
        expressions.putAll(GrafanaDashboard.expressions());
        assertThat(expressions).as("expressions of the rules and the dashboard").hasSizeGreaterThan(30);

        assertThat(MetricNames.missing(scrapes, expressions, NOT_EXPOSED))
                .as("metrics read but not exposed by the services")
                .isEmpty();
    }

    private static void send(String registryUrl, RunflowEmulator emulator) {
        String order = Unique.name("order");
        List<String> photos = List.of("portrait.jpg", "portrait.png", "dark.jpg");
        try (KafkaProducer<String, UploadEvent> producer = KAFKA.clients()
                .producer(
                        new StringSerializer(),
                        AvroSerdes.specific(UploadEvent.class, Map.of("schema.registry.url", registryUrl), false)
                                .serializer())) {
            for (int i = 0; i < photos.size(); i++) {
                UploadEvent upload = UploadEvent.newBuilder()
                        .setUploadId(order + "-upload-" + i)
                        .setOrderId(order)
                        .setUserId("user-" + order)
                        .setImageUri(emulator.sampleUrl(photos.get(i)))
                        .setUploadedAt(Instant.now())
                        .setAttributes(Map.of("file", photos.get(i)))
                        .build();
                producer.send(new ProducerRecord<>("photos.uploaded", order, upload));
            }
            producer.flush();
        }
    }

    private static Scrape scrape(HttpClient http, String application, int port) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(application + " /metrics").isEqualTo(200);
        return new Scrape(application, response.body());
    }

    private static <T extends AutoCloseable> T started(List<AutoCloseable> running, T service) {
        running.add(service);
        return service;
    }
}
