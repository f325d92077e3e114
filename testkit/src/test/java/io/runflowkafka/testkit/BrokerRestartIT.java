package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerRestartIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    @Order(1)
    void shouldComeBackOnTheSameAddressWithItsDataAfterStopAndStart() throws Exception {
        assumeTrue(KAFKA.supportsRestart(), "the external cluster cannot be restarted by the test kit");
        String topic = Unique.topic("restart");
        String group = Unique.name("restart-group");
        KAFKA.topics().create(topic, 2);
        KafkaClients clients = KAFKA.clients();
        String address = KAFKA.bootstrapServers();

        try (KafkaProducer<String, String> producer =
                clients.producer(new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "order-" + i, "before-" + i))
                        .get(30, TimeUnit.SECONDS);
            }
            commitEverything(clients, topic, group, 3);

            KAFKA.stop();
            KAFKA.stop(); // stopping twice is harmless

            assertThat(KAFKA.isRunning()).isFalse();
            assertThat(BrokerProbe.isReachable(address))
                    .as("broker answers while stopped")
                    .isFalse();
            // A producer that was connected keeps the record while the broker is down and delivers it once it is
            // back. send() itself may block up to max.block.ms waiting for metadata, hence the other thread.
            CompletableFuture<RecordMetadata> sentWhileDown = CompletableFuture.supplyAsync(
                    () -> sendAndWait(producer, new ProducerRecord<>(topic, "order-9", "during")));
            Waits.await("the record sent while the broker is down to stay pending")
                    .during(Duration.ofMillis(500))
                    .until(() -> !sentWhileDown.isDone());

            KAFKA.start();
            KAFKA.start(); // starting twice is harmless

            assertThat(KAFKA.isRunning()).isTrue();
            assertThat(KAFKA.bootstrapServers()).isEqualTo(address);
            assertThat(BrokerProbe.isReachable(address))
                    .as("broker answers after the restart")
                    .isTrue();
            assertThat(sentWhileDown
                            .get(Waits.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                            .topic())
                    .isEqualTo(topic);
        }

        List<ConsumerRecord<String, String>> records =
                clients.readAllCommitted(topic, new StringDeserializer(), new StringDeserializer());
        assertThat(records)
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("before-0", "before-1", "before-2", "during");
        assertThat(committedOffsets(group))
                .as("committed offsets of " + group + " survive the restart")
                .isEqualTo(3);
    }

    @Test
    @Order(2)
    void shouldLeaveTheBrokerStoppedWhenATestForgetsToStartIt() {
        assumeTrue(KAFKA.supportsRestart(), "the external cluster cannot be restarted by the test kit");

        KAFKA.stop();

        assertThat(KAFKA.isRunning()).isFalse();
    }

    @Test
    @Order(3)
    void shouldFindTheBrokerRunningAgainInTheNextTest() {
        assertThat(KAFKA.isRunning()).isTrue();
        assertThat(BrokerProbe.isReachable(KAFKA.bootstrapServers())).isTrue();
    }

    private static RecordMetadata sendAndWait(
            KafkaProducer<String, String> producer, ProducerRecord<String, String> record) {
        try {
            return producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void commitEverything(KafkaClients clients, String topic, String group, int count) {
        try (KafkaConsumer<String, String> consumer =
                clients.consumer(group, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Waits.await(count + " records on " + topic + " for group " + group).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                return seen.size() >= count;
            });
            consumer.commitSync();
        }
    }

    private static long committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.values().stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }
    }
}
