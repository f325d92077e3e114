package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.testkit.KafkaBroker.Backend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerExtensionIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            new KafkaBrokerExtension().withBrokerProperty("auto.create.topics.enable", "false");

    @Test
    void shouldGiveTheTestAReachableBrokerFromTheChosenBackend() {
        assertThat(KAFKA.bootstrapServers()).isNotBlank();
        assertThat(KAFKA.isRunning()).isTrue();
        assertThat(BrokerProbe.isReachable(KAFKA.bootstrapServers())).isTrue();
        if (System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null) {
            assertThat(KAFKA.backend()).isIn(Backend.IN_PROCESS, Backend.TESTCONTAINERS);
        }
    }

    @Test
    void shouldCreateTopicsIdempotently() {
        String topic = Unique.topic("idempotent");

        KAFKA.topics().create(topic, 3);
        KAFKA.topics().create(topic, 3);

        assertThat(KAFKA.topics().names()).contains(topic);
        assertThat(KAFKA.topics().partitionCount(topic)).isEqualTo(3);
    }

    @Test
    void shouldRefuseToRecreateATopicWithAnotherPartitionCount() {
        String topic = Unique.topic("mismatch");
        KAFKA.topics().create(topic, 2);

        assertThatThrownBy(() -> KAFKA.topics().create(topic, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists with 2 partitions");
    }

    @Test
    void shouldDeleteTopicsAndIgnoreMissingOnes() {
        String topic = Unique.topic("deleted");
        KAFKA.topics().create(topic, 1);

        KAFKA.topics().delete(topic, Unique.topic("never-created"));

        Waits.await("topic " + topic + " to disappear from the listing")
                .until(() -> !KAFKA.topics().names().contains(topic));
    }

    @Test
    void shouldApplyBrokerPropertiesGivenToTheExtension() {
        String topic = Unique.topic("not-auto-created");

        try (KafkaProducer<String, String> producer = KAFKA.clients()
                .producer(new StringSerializer(), new StringSerializer(), Map.of("max.block.ms", 1_000))) {
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .hasMessageContaining(topic);
        }
        assertThat(KAFKA.topics().names()).doesNotContain(topic);
    }

    @Test
    void shouldDrainUntilTheCountOrTheTimeLimit() {
        String topic = Unique.topic("drain");
        KAFKA.topics().create(topic, 2);
        try (KafkaProducer<String, String> producer =
                KAFKA.clients().producer(new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
        }

        List<ConsumerRecord<String, String>> all = KAFKA.clients()
                .drain(topic, new StringDeserializer(), new StringDeserializer(), 4, Waits.DEFAULT_TIMEOUT);
        long startedAt = System.nanoTime();
        List<ConsumerRecord<String, String>> asked = KAFKA.clients()
                .drain(topic, new StringDeserializer(), new StringDeserializer(), 10, Duration.ofMillis(800));
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);

        assertThat(all).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("v0", "v1", "v2", "v3");
        assertThat(asked)
                .as("only 4 exist, so the drain stops at its time limit")
                .hasSize(4);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(800)).isLessThan(Duration.ofSeconds(10));
    }

    @Nested
    class InANestedClass {

        @Test
        void shouldShareTheOuterClassBroker() {
            assertThat(KAFKA.isRunning()).isTrue();
            String topic = Unique.topic("nested");
            KAFKA.topics().create(topic, 1);
            assertThat(KAFKA.topics().names()).contains(topic);
        }
    }
}
