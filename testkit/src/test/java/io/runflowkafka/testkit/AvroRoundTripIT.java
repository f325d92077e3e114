package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AvroRoundTripIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();

    @Test
    void shouldCarryAvroEventsThroughTheBrokerInTheClassRegistryScope() throws Exception {
        String topic = Unique.topic("photos.uploaded");
        KAFKA.topics().create(topic, 1);
        Serde<UploadEvent> serde = REGISTRY.valueSerde(UploadEvent.class);
        UploadEvent event = UploadEvent.newBuilder()
                .setUploadId("upload-1")
                .setOrderId("order-1")
                .setUserId("user-1")
                .setImageUri("https://images.example/1.jpg")
                .setUploadedAt(Instant.parse("2026-01-02T03:04:05Z"))
                .setAttributes(Map.of("source", "testkit"))
                .build();

        try (KafkaProducer<String, UploadEvent> producer =
                KAFKA.clients().producer(new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "order-1", event)).get();
        }
        List<ConsumerRecord<String, UploadEvent>> read =
                KAFKA.clients().readAllCommitted(topic, new StringDeserializer(), serde.deserializer());

        assertThat(read).extracting(ConsumerRecord::value).containsExactly(event);
        assertThat(REGISTRY.url()).startsWith("mock://AvroRoundTripIT-");
        assertThat(MockSchemaRegistry.getClientForScope(REGISTRY.scope())
                        .getLatestVersion(topic + "-value")
                        .schema())
                .isEqualTo(UploadEvent.getClassSchema());
    }
}
