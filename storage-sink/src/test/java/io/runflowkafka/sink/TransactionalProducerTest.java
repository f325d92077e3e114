package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionalProducerTest {

    private static final TopicPartition INPUT = new TopicPartition("headshots.completed", 0);
    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("storage-sink");

    private final List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
    private final TransactionalProducer producer = new TransactionalProducer(() -> {
        MockProducer<byte[], byte[]> created =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        made.add(created);
        return created;
    });

    @BeforeEach
    void open() {
        producer.open();
    }

    @AfterEach
    void close() {
        producer.close();
    }

    private boolean commit(long offset) {
        return producer.commit(
                List.of(new ProducerRecord<>("headshots.archived", "job-a".getBytes(), new byte[] {1})),
                Map.of(INPUT, new OffsetAndMetadata(offset)),
                () -> GROUP);
    }

    @Test
    void shouldWriteTheOutputAndCommitTheOffsetsInOneTransaction() {
        assertThat(commit(1)).isTrue();

        MockProducer<byte[], byte[]> only = made.get(0);
        assertThat(only.transactionInitialized()).isTrue();
        assertThat(only.history()).hasSize(1);
        assertThat(only.consumerGroupOffsetsHistory())
                .containsExactly(Map.of("storage-sink", Map.of(INPUT, new OffsetAndMetadata(1))));
    }

    @Test
    void shouldAbortAFailedTransactionAndKeepTheProducer() {
        made.get(0).commitTransactionException = new KafkaException("coordinator moved");

        assertThat(commit(1)).isFalse();

        assertThat(made.get(0).transactionAborted()).isTrue();
        assertThat(made).hasSize(1);
    }

    @Test
    void shouldReplaceAFencedProducerAndCommitWithTheNewOne() {
        made.get(0).fenceProducer();

        assertThat(commit(1)).as("nothing committed by the fenced producer").isFalse();
        assertThat(made).hasSize(2);
        assertThat(made.get(1).transactionInitialized()).isTrue();

        assertThat(commit(1)).isTrue();
        assertThat(made.get(1).consumerGroupOffsetsHistory()).hasSize(1);
    }
}
