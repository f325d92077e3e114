package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.processor.kafka.ProcessorClientSupplier;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An undecodable upload's dead letter must commit in the same transaction as its input offset: a crash right
 * after any commit then neither repeats nor loses it. The test watches every transaction the processor's stream
 * thread commits, on a real broker, and checks that no committed transaction carries the dead letter of input
 * offset {@code o} while the committed input offset of its partition is still at or below {@code o} (a crash
 * there, or a rebalance, would dead-letter the upload a second time: the chaos run saw it).
 */
class UndecodableInputTransactionIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String SCOPE = Unique.name("undecodable-it");
    private static LocalSchemaRegistryServer registry;

    @BeforeAll
    static void start() {
        registry = LocalSchemaRegistryServer.start(SCOPE, 0);
    }

    @AfterAll
    static void stop() {
        registry.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldCommitAnUndecodableUploadsDeadLetterWithItsInputOffset() throws Exception {
        GateTopics topics = new GateTopics(
                Unique.topic("photos.uploaded"),
                Unique.topic("photos.accepted"),
                Unique.topic("photos.retake"),
                Unique.topic("photos.uploaded.dlq"));
        for (String topic : List.of(topics.uploaded(), topics.accepted(), topics.retake(), topics.deadLetter())) {
            KAFKA.topics().create(topic, 2);
        }
        Map<String, Object> registryConfig = Map.of("schema.registry.url", registry.url());
        // Each good upload is followed by an undecodable one of the same order (partition), sent in one batch.
        int pairs = 200;
        try (KafkaProducer<String, byte[]> producer =
                KAFKA.clients().producer(new StringSerializer(), new ByteArraySerializer())) {
            var uploads = AvroSerdes.specific(UploadEvent.class, registryConfig, false)
                    .serializer();
            for (int n = 0; n < pairs; n++) {
                String order = "order-" + (n % 7);
                UploadEvent good = UploadEvent.newBuilder()
                        .setUploadId("good-" + n)
                        .setOrderId(order)
                        .setUserId("user")
                        .setImageUri("https://cdn.example/" + n + ".jpg")
                        .setUploadedAt(Instant.now())
                        .setAttributes(Map.of())
                        .build();
                producer.send(
                        new ProducerRecord<>(topics.uploaded(), order, uploads.serialize(topics.uploaded(), good)));
                producer.send(new ProducerRecord<>(
                        topics.uploaded(), order, ("not avro " + n).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("PROCESSOR_APPLICATION_ID", Unique.name("undecodable"));
        env.put("PROCESSOR_TOPIC_UPLOADED", topics.uploaded());
        env.put("PROCESSOR_TOPIC_ACCEPTED", topics.accepted());
        env.put("PROCESSOR_TOPIC_RETAKE", topics.retake());
        env.put("PROCESSOR_TOPIC_UPLOADED_DLQ", topics.deadLetter());
        env.put("PROCESSOR_STATE_DIR", Unique.directory("undecodable-state").toString());
        env.put("PROCESSOR_ORDERS_ENABLED", "false");
        env.put("RUNFLOW_BASE_URL", "https://runflow.invalid");
        env.put("RUNFLOW_API_KEY", "unused");
        ProcessorConfig config = ProcessorConfig.load(Optional.empty(), env);
        Properties props = StreamsProperties.of(config);
        // A commit after every loop of the stream thread: every moment at which Kafka Streams commits is checked.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 0);

        CallLimiter limiter = new CallLimiter(64, 0);
        var scoredSerde = AvroSerdes.specific(ScoredUpload.class, registryConfig, false);
        Topology topology = ProcessorTopology.build(
                new ProcessorTopology.Gate(
                        topics,
                        config.gateSettings(),
                        upload -> CompletableFuture.completedFuture(new ScoreResult(0.9, 70, 80, List.of())),
                        limiter,
                        new GateMetrics(new SimpleMeterRegistry(), limiter),
                        AvroSerdes.specific(UploadEvent.class, registryConfig, false),
                        scoredSerde),
                Tracing.propagateOnly(ProcessorKeys.SERVICE_NAME));
        TransactionWatch watch = new TransactionWatch(topics.deadLetter());
        try (KafkaStreams streams = new KafkaStreams(
                topology, props, watch.wrap(new ProcessorClientSupplier(() -> Optional.of(Duration.ofMillis(5)))))) {
            streams.start();
            Waits.await("all " + 2 * pairs + " uploads routed", Duration.ofMinutes(2))
                    .until(() -> KAFKA.clients().countCommitted(topics.accepted())
                                    + KAFKA.clients().countCommitted(topics.deadLetter())
                            >= 2 * pairs);
        } finally {
            limiter.close();
        }

        assertThat(watch.deadLettersCommitted())
                .as("dead letters seen in committed transactions")
                .isEqualTo(pairs);
        assertThat(watch.violations())
                .as("committed transactions whose dead letter's input offset was not committed "
                        + "with it (a crash right after them dead-letters the upload again)")
                .isEmpty();
    }

    /**
     * Sees each stream-thread producer's transactions from outside: the dead letters it sends (their source
     * partition and offset headers), the input offsets it commits, and whether it commits or aborts.
     */
    static final class TransactionWatch {

        private final String deadLetterTopic;
        private final Map<Integer, Long> committedInput = new TreeMap<>();
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private int deadLettersCommitted;

        TransactionWatch(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
        }

        synchronized int deadLettersCommitted() {
            return deadLettersCommitted;
        }

        List<String> violations() {
            return violations;
        }

        KafkaClientSupplier wrap(KafkaClientSupplier clients) {
            return new KafkaClientSupplier() {
                @Override
                public Admin getAdmin(Map<String, Object> config) {
                    return clients.getAdmin(config);
                }

                @Override
                public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
                    return watched(clients.getProducer(config));
                }

                @Override
                public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
                    return clients.getConsumer(config);
                }

                @Override
                public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
                    return clients.getRestoreConsumer(config);
                }

                @Override
                public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
                    return clients.getGlobalConsumer(config);
                }
            };
        }

        @SuppressWarnings("unchecked")
        private Producer<byte[], byte[]> watched(Producer<byte[], byte[]> producer) {
            List<long[]> deadLetters = new ArrayList<>(); // {partition, offset} of this transaction's dead letters
            Map<Integer, Long> offsets = new HashMap<>();
            return (Producer<byte[], byte[]>) Proxy.newProxyInstance(
                    Producer.class.getClassLoader(), new Class<?>[] {Producer.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "send" -> {
                                ProducerRecord<?, ?> record = (ProducerRecord<?, ?>) args[0];
                                if (record.topic().equals(deadLetterTopic)) {
                                    deadLetters.add(new long[] {
                                        Long.parseLong(header(record, DeadLetterHeaders.PARTITION)),
                                        Long.parseLong(header(record, DeadLetterHeaders.OFFSET))
                                    });
                                }
                            }
                            case "sendOffsetsToTransaction" ->
                                ((Map<TopicPartition, OffsetAndMetadata>) args[0])
                                        .forEach((tp, o) -> offsets.merge(tp.partition(), o.offset(), Math::max));
                            case "abortTransaction" -> {
                                deadLetters.clear();
                                offsets.clear();
                            }
                            default -> {}
                        }
                        Object result;
                        try {
                            result = method.invoke(producer, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("commitTransaction")) {
                            committed(deadLetters, offsets);
                            deadLetters.clear();
                            offsets.clear();
                        }
                        return result;
                    });
        }

        private synchronized void committed(List<long[]> deadLetters, Map<Integer, Long> offsets) {
            offsets.forEach((partition, offset) -> committedInput.merge(partition, offset, Math::max));
            for (long[] deadLetter : deadLetters) {
                deadLettersCommitted++;
                long committedOffset = committedInput.getOrDefault((int) deadLetter[0], 0L);
                if (committedOffset <= deadLetter[1]) {
                    violations.add("dead letter of input " + deadLetter[0] + "@" + deadLetter[1]
                            + " committed while the input's committed offset was " + committedOffset);
                }
            }
        }

        private static String header(ProducerRecord<?, ?> record, String name) {
            Header header = record.headers().lastHeader(name);
            return header == null ? "-1" : new String(header.value(), StandardCharsets.UTF_8);
        }
    }
}
