package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TransactionalReadCommittedIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldHideAbortedTransactionsFromReadCommittedConsumers() {
        String topic = Unique.topic("tx");
        KAFKA.topics().create(topic, 3);
        KafkaClients clients = KAFKA.clients();

        try (KafkaProducer<String, String> producer = clients.transactionalProducer(
                Unique.name("tx-producer"), new StringSerializer(), new StringSerializer())) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "order-1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "order-2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "order-1", "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "order-3", "aborted-2"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "order-3", "committed-3"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> committed =
                clients.readAllCommitted(topic, new StringDeserializer(), new StringDeserializer());
        assertThat(committed)
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");

        // The aborted records did reach the log: a read_uncommitted consumer sees them, so the filter above is real.
        List<String> everything = readUncommitted(clients, topic, 5);
        assertThat(everything)
                .containsExactlyInAnyOrder("committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3");
    }

    @Test
    void shouldNotShowAnOpenTransactionUntilItCommits() {
        String topic = Unique.topic("open-tx");
        KAFKA.topics().create(topic, 1);
        KafkaClients clients = KAFKA.clients();

        try (KafkaProducer<String, String> producer = clients.transactionalProducer(
                Unique.name("open-tx-producer"), new StringSerializer(), new StringSerializer())) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "order-1", "pending"));
            producer.flush();

            assertThat(clients.drain(
                            topic, new StringDeserializer(), new StringDeserializer(), 1, Duration.ofMillis(500)))
                    .as("records of an open transaction")
                    .isEmpty();

            producer.commitTransaction();
        }

        assertThat(clients.drain(topic, new StringDeserializer(), new StringDeserializer(), 1, Waits.DEFAULT_TIMEOUT))
                .extracting(ConsumerRecord::value)
                .containsExactly("pending");
    }

    private static List<String> readUncommitted(KafkaClients clients, String topic, int count) {
        try (var consumer = clients.consumer(
                null,
                new StringDeserializer(),
                new StringDeserializer(),
                Map.of("isolation.level", "read_uncommitted"))) {
            consumer.assign(consumer.partitionsFor(topic).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition()))
                    .toList());
            List<String> values = new ArrayList<>();
            Waits.await(count + " records, aborted ones included, on " + topic).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= count;
            });
            return values;
        }
    }
}
