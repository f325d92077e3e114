package io.runflowkafka.processor.it;

import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** One test's topics, registry settings and processor environment, plus feeding and counting helpers. */
final class GateFixture {

    final KafkaBrokerExtension kafka;
    final String registryUrl;
    final GateTopics topics;
    final String applicationId;
    final Map<String, Object> registry;

    GateFixture(KafkaBrokerExtension kafka, String registryUrl, int partitions) {
        this.kafka = kafka;
        this.registryUrl = registryUrl;
        this.registry = Map.of("schema.registry.url", registryUrl);
        this.topics = new GateTopics(
                Unique.topic("photos.uploaded"),
                Unique.topic("photos.accepted"),
                Unique.topic("photos.retake"),
                Unique.topic("photos.uploaded.dlq"));
        this.applicationId = Unique.name("gate");
        for (String topic : List.of(topics.uploaded(), topics.accepted(), topics.retake(), topics.deadLetter())) {
            kafka.topics().create(topic, partitions);
        }
    }

    /** The processor's configuration as environment variables, the way an operator would set them. */
    Map<String, String> environment(String runflowUrl, String apiKey, int maxInFlight) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("TOPICS_CREATE", "false");
        env.put("PROCESSOR_APPLICATION_ID", applicationId);
        env.put("PROCESSOR_TOPIC_UPLOADED", topics.uploaded());
        env.put("PROCESSOR_TOPIC_ACCEPTED", topics.accepted());
        env.put("PROCESSOR_TOPIC_RETAKE", topics.retake());
        env.put("PROCESSOR_TOPIC_UPLOADED_DLQ", topics.deadLetter());
        env.put("PROCESSOR_STATE_DIR", Unique.directory("processor-state").toString());
        env.put("PROCESSOR_MAX_IN_FLIGHT", Integer.toString(maxInFlight));
        env.put("PROCESSOR_SHUTDOWN_TIMEOUT_MS", "10000");
        env.put("PROCESSOR_ORDERS_ENABLED", "false");
        env.put("RUNFLOW_BASE_URL", runflowUrl);
        env.put("RUNFLOW_API_KEY", apiKey);
        // The gate alone: headshot orders (and their topics) are HeadshotOrdersIT's.
        env.put("PROCESSOR_ORDERS_ENABLED", "false");
        return env;
    }

    static UploadEvent upload(int n, String order, String imageUrl) {
        return UploadEvent.newBuilder()
                .setUploadId("upload-" + n)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri(imageUrl)
                .setUploadedAt(Instant.now())
                .setAttributes(Map.of("n", Integer.toString(n)))
                .build();
    }

    /** Sends the uploads (keyed by order id) and waits until the broker has them all. */
    void feed(List<UploadEvent> uploads) {
        try (KafkaProducer<String, UploadEvent> producer = kafka.clients()
                .producer(
                        new StringSerializer(),
                        AvroSerdes.specific(UploadEvent.class, registry, false).serializer())) {
            uploads.forEach(u -> producer.send(new ProducerRecord<>(topics.uploaded(), u.getOrderId(), u)));
            producer.flush();
        }
    }

    /** Records committed on accepted + retake + dead-letter topics right now. */
    int outputs() {
        return kafka.clients().countCommitted(topics.accepted())
                + kafka.clients().countCommitted(topics.retake())
                + kafka.clients().countCommitted(topics.deadLetter());
    }

    List<ScoredUpload> scored(String topic) {
        var deserializer =
                AvroSerdes.specific(ScoredUpload.class, registry, false).deserializer();
        return kafka.clients().readAllCommitted(topic, new StringDeserializer(), deserializer).stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    /** How many times each upload id appears across the three outputs (dead letters decoded from their bytes). */
    Map<String, Long> occurrences() {
        var uploadDeserializer =
                AvroSerdes.specific(UploadEvent.class, registry, false).deserializer();
        List<String> ids = new java.util.ArrayList<>();
        scored(topics.accepted()).forEach(s -> ids.add(s.getUploadId()));
        scored(topics.retake()).forEach(s -> ids.add(s.getUploadId()));
        kafka.clients()
                .readAllCommitted(topics.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer())
                .forEach(r -> ids.add(uploadDeserializer
                        .deserialize(topics.uploaded(), r.value())
                        .getUploadId()));
        return ids.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
