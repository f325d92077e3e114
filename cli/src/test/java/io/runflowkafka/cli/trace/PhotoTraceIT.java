package io.runflowkafka.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.bridge.WebhookBridge;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.sink.SinkConfig;
import io.runflowkafka.sink.StorageSink;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Waits;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trace per photo, end to end: the processor, the webhook bridge and the storage sink in this JVM against a real
 * broker and the Runflow emulator over HTTP (it calls the bridge back). An upload sent with a known
 * {@code traceparent} has that trace id on its scored record, on its order's job record (the order's first photo),
 * on the completion event the bridge writes from Runflow's callback, and on the archived event (and a dead-lettered
 * upload's trace on its dead letter); an order uploaded without trace context gets a fresh trace that goes the same
 * way. Every service exports its spans to an OTLP endpoint the test runs, and each export of the known trace is
 * checked for.
 */
class PhotoTraceIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String TRACE_1 = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACE_2 = "5bf92f3577b34da6a3ce929d0e0e4737";
    private static final String TRACE_3 = "6bf92f3577b34da6a3ce929d0e0e4738";
    private static final String TRACE_4 = "7bf92f3577b34da6a3ce929d0e0e4739";
    private static final String SECRET = "photo-trace-it-callback-secret-0123456789";
    private static final String PASSWORD = "changeit";
    private static final Duration PIPELINE = Duration.ofSeconds(150);

    private final String scope = "photo-trace-it-" + UUID.randomUUID();
    private final Map<String, Object> registry = Map.of("schema.registry.url", "mock://" + scope);
    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        MockSchemaRegistry.dropScope(scope);
    }

    private <T extends AutoCloseable> T started(T service) {
        running.add(service);
        return service;
    }

    @Test
    void shouldCarryEachUploadsTraceIdToEveryRecordItCausesDownstream() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "photo-trace-it-" + UUID.randomUUID()));
        OtlpReceiver otlp = started(OtlpReceiver.start());
        RunflowEmulator emulator = started(RunflowEmulator.builder()
                .httpsPort(0)
                .headshotsDelay(Duration.ofMillis(500))
                .build()
                .start());
        Path trustStore = data.resolve("emulator-truststore.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            RunflowEmulator.devTrustStore().store(out, PASSWORD.toCharArray());
        }
        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        common.put("SCHEMA_REGISTRY_URL", "mock://" + scope);
        common.put("HTTP_HOST", "127.0.0.1");
        common.put("HTTP_PORT", "0");
        common.put("TOPICS_PARTITIONS", "2");
        common.put("TOPICS_REPLICATION_FACTOR", "1");
        common.put("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint());

        Map<String, String> bridgeEnv = new HashMap<>(common);
        bridgeEnv.put("BRIDGE_CALLBACK_SECRETS", SECRET);
        WebhookBridge bridge = started(WebhookBridge.start(BridgeConfig.load(Optional.empty(), bridgeEnv)));

        Map<String, String> processorEnv = new HashMap<>(common);
        processorEnv.put("PROCESSOR_STATE_DIR", data.resolve("processor-state").toString());
        processorEnv.put("PROCESSOR_BRIDGE_PUBLIC_URL", "http://127.0.0.1:" + bridge.port());
        processorEnv.put("PROCESSOR_CALLBACK_SECRET", SECRET);
        processorEnv.put("PROCESSOR_ORDERS_PHOTOS_PER_JOB", "2");
        processorEnv.put("RUNFLOW_BASE_URL", emulator.baseUrl());
        processorEnv.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
        started(ProcessorApp.start(ProcessorConfig.load(Optional.empty(), processorEnv)));

        Map<String, String> sinkEnv = new HashMap<>(common);
        sinkEnv.put("SINK_ARCHIVE_DIR", data.resolve("archive").toString());
        sinkEnv.put(
                "SINK_URL_ALLOWED_HOSTS", URI.create(emulator.publicBaseUrl()).getAuthority());
        sinkEnv.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
        sinkEnv.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
        sinkEnv.put("SINK_TLS_TRUSTSTORE_PASSWORD", PASSWORD);
        started(StorageSink.start(SinkConfig.load(Optional.empty(), sinkEnv)));

        // Order A: two good photos, each with its own trace, and a dark one (a retake) with a third.
        // Order B: two good photos and no trace context at all. Order C: an unusable image URI (a dead letter).
        String orderA = "order-a-" + UUID.randomUUID();
        String orderB = "order-b-" + UUID.randomUUID();
        String orderC = "order-c-" + UUID.randomUUID();
        send(List.of(
                upload(orderA, "a1", emulator.sampleUrl("portrait.jpg"), TRACE_1),
                upload(orderA, "a2", emulator.sampleUrl("portrait.png"), TRACE_2),
                upload(orderA, "a3", emulator.sampleUrl("dark.jpg"), TRACE_3),
                upload(orderB, "b1", emulator.sampleUrl("portrait.jpg"), null),
                upload(orderB, "b2", emulator.sampleUrl("portrait.png"), null),
                upload(orderC, "c1", "ftp://photos.example/c1.jpg", TRACE_4)));

        List<ConsumerRecord<String, HeadshotsArchived>> archived =
                read("headshots.archived", HeadshotsArchived.class, 2);
        assertThat(archived).as("both orders archived").hasSize(2);

        Map<String, SpanContext> scored = traces(
                read("photos.accepted", ScoredUpload.class, 4), r -> r.value().getUploadId());
        Map<String, SpanContext> retaken = traces(
                read("photos.retake", ScoredUpload.class, 1), r -> r.value().getUploadId());
        Map<String, SpanContext> deadLetters = traces(
                KAFKA.clients()
                        .drain(
                                "photos.uploaded.dlq",
                                new StringDeserializer(),
                                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                                1,
                                PIPELINE),
                ConsumerRecord::key);
        Map<String, SpanContext> jobs = traces(
                read("headshots.jobs", HeadshotJob.class, 2), r -> r.value().getOrderId());
        Map<String, String> headshotsIdOf = read("headshots.jobs", HeadshotJob.class, 2).stream()
                .collect(Collectors.toMap(
                        r -> r.value().getOrderId(), r -> r.value().getHeadshotsId()));
        Map<String, SpanContext> completed =
                traces(read("headshots.completed", HeadshotsCompleted.class, 2), ConsumerRecord::key);
        Map<String, SpanContext> archives = traces(archived, ConsumerRecord::key);

        // The upload's trace id on every record it causes downstream.
        assertThat(scored.get("a1").getTraceId()).isEqualTo(TRACE_1);
        assertThat(scored.get("a2").getTraceId()).isEqualTo(TRACE_2);
        assertThat(retaken.get("a3").getTraceId()).isEqualTo(TRACE_3);
        assertThat(deadLetters.get(orderC).getTraceId()).as("the dead letter").isEqualTo(TRACE_4);
        assertThat(jobs.get(orderA).getTraceId())
                .as("the job of the order's first photo")
                .isEqualTo(TRACE_1);
        assertThat(completed.get(headshotsIdOf.get(orderA)).getTraceId())
                .as("the callback's completion event")
                .isEqualTo(TRACE_1);
        assertThat(archives.get(headshotsIdOf.get(orderA)).getTraceId())
                .as("the archived event")
                .isEqualTo(TRACE_1);

        // Without trace context: a fresh trace per upload, carried the same way from the order's first photo.
        String fresh = scored.get("b1").getTraceId();
        assertThat(scored.get("b1").isValid()).isTrue();
        assertThat(fresh).isNotIn(TRACE_1, TRACE_2, TRACE_3);
        assertThat(scored.get("b2").getTraceId()).as("its own new trace").isNotEqualTo(fresh);
        assertThat(jobs.get(orderB).getTraceId()).isEqualTo(fresh);
        assertThat(completed.get(headshotsIdOf.get(orderB)).getTraceId()).isEqualTo(fresh);
        assertThat(archives.get(headshotsIdOf.get(orderB)).getTraceId()).isEqualTo(fresh);

        // Each service exported spans of the known trace to the configured OTLP endpoint.
        for (String service : List.of("runflow-kafka-processor", "runflow-kafka-bridge", "runflow-kafka-sink")) {
            Waits.await("OTLP export of trace " + TRACE_1 + " by " + service)
                    .until(() -> otlp.exports().stream().anyMatch(e -> e.mentions(service) && e.carriesTrace(TRACE_1)));
        }
        assertThat(otlp.exports()).allSatisfy(e -> assertThat(e.contentType()).isEqualTo("application/x-protobuf"));
    }

    private static ProducerRecord<String, UploadEvent> upload(String order, String id, String url, String traceId) {
        UploadEvent event = UploadEvent.newBuilder()
                .setUploadId(id)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri(url)
                .setUploadedAt(Instant.now())
                .setAttributes(Map.of())
                .build();
        ProducerRecord<String, UploadEvent> record = new ProducerRecord<>("photos.uploaded", order, event);
        if (traceId != null) {
            record.headers()
                    .add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private void send(List<ProducerRecord<String, UploadEvent>> uploads) {
        Serde<UploadEvent> serde = AvroSerdes.specific(UploadEvent.class, registry, false);
        try (KafkaProducer<String, UploadEvent> producer =
                KAFKA.clients().producer(new StringSerializer(), serde.serializer())) {
            uploads.forEach(producer::send);
            producer.flush();
        }
    }

    private <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> read(
            String topic, Class<T> type, int count) {
        Deserializer<T> values = AvroSerdes.specific(type, registry, false).deserializer();
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        Waits.await(count + " record(s) on " + topic, PIPELINE)
                .ignoreExceptions()
                .until(() -> {
                    records.clear();
                    records.addAll(KAFKA.clients().readAllCommitted(topic, new StringDeserializer(), values));
                    return records.size() >= count;
                });
        return records;
    }

    private static <V> Map<String, SpanContext> traces(
            List<ConsumerRecord<String, V>> records, Function<ConsumerRecord<String, V>, String> id) {
        Map<String, SpanContext> traces = new HashMap<>();
        records.forEach(r -> traces.put(id.apply(r), Tracing.spanContext(r.headers())));
        return traces;
    }
}
