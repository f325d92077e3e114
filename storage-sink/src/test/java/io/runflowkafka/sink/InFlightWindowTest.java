package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

    private static final TopicPartition P0 = new TopicPartition("headshots.completed", 0);
    private static final TopicPartition P1 = new TopicPartition("headshots.completed", 1);
    private static final Outcome DONE = new Outcome.Retry(Stage.DOWNLOAD, "scripted");

    private final ManualTime time = new ManualTime();
    private final PartitionBackoffs backoffs =
            new PartitionBackoffs(Duration.ofSeconds(1), Duration.ofSeconds(1), time);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    private final InFlightWindow window = new InFlightWindow(2);

    @BeforeEach
    void assign() {
        consumer.assign(List.of(P0, P1));
    }

    private CompletableFuture<Outcome> add(TopicPartition partition, long offset) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        window.add(
                partition, new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, null), outcome);
        return outcome;
    }

    private void pauseOrResume() {
        window.pauseOrResume(consumer, backoffs, time.nanoTime());
    }

    @Test
    void shouldPauseEveryPartitionWhileTheWindowIsFullAndResumeWhenAnEventFinishes() {
        CompletableFuture<Outcome> first = add(P0, 0);
        add(P1, 0);

        pauseOrResume();
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        first.complete(DONE);
        pauseOrResume();
        assertThat(consumer.paused())
                .as("a finished event waiting for its commit takes no room")
                .isEmpty();
    }

    @Test
    void shouldCapTheFinishedEventsHeldBehindASlowHead() {
        add(P0, 0);
        for (long offset = 1; offset < 8; offset++) {
            add(P0, offset).complete(DONE);
        }

        pauseOrResume();

        assertThat(consumer.paused()).as("8 in flight = 4 x the window").containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void shouldKeepABackingOffPartitionPausedWhileOthersFetch() {
        backoffs.failed(P0);

        pauseOrResume();
        assertThat(consumer.paused()).containsExactly(P0);

        time.advance(Duration.ofMillis(1250));
        pauseOrResume();
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void shouldHandOutOnlyAFinishedHeadInInputOrder() {
        CompletableFuture<Outcome> head = add(P0, 0);
        add(P0, 1).complete(DONE);

        assertThat(window.finishedHead(P0)).as("the head is still running").isNull();
        head.complete(DONE);
        assertThat(window.finishedHead(P0).record().offset()).isZero();
        window.removeHead(P0);
        assertThat(window.finishedHead(P0).record().offset()).isEqualTo(1);
        window.drop(P0);
        assertThat(window.isEmpty()).isTrue();
        assertThat(window.finishedHead(P1)).isNull();
    }
}
