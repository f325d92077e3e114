package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

    @Test
    void shouldKeepItsTopicsAndRecordsAcrossARestartOnTheSameDirectory() throws Exception {
        Path dir = Path.of("target", "embedded-kafka-it-" + UUID.randomUUID(), "kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (var producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "embedded-it"),
                    new StringSerializer(),
                    new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("kept", "k", "v"));
                producer.commitTransaction();
            }
        }

        try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0);
                var consumer = new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                again.bootstrapServers(),
                                "group.id",
                                "embedded-it",
                                "auto.offset.reset",
                                "earliest",
                                "isolation.level",
                                "read_committed"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of("kept"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            assertThat(records).extracting(r -> r.value()).containsExactly("v");
        }
    }
}
