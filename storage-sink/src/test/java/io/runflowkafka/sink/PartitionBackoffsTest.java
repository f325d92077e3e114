package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionBackoffsTest {

    private static final TopicPartition P0 = new TopicPartition("headshots.completed", 0);
    private static final TopicPartition P1 = new TopicPartition("headshots.completed", 1);

    private final ManualTime time = new ManualTime();
    private final PartitionBackoffs backoffs =
            new PartitionBackoffs(Duration.ofMillis(100), Duration.ofMillis(350), time);

    @Test
    void shouldDoubleThePauseForEachFailureUpToTheLongestWithAtMostAQuarterOfJitter() {
        PartitionBackoffs.Pause first = backoffs.failed(P0);
        PartitionBackoffs.Pause second = backoffs.failed(P0);
        PartitionBackoffs.Pause third = backoffs.failed(P0);
        PartitionBackoffs.Pause fourth = backoffs.failed(P0);

        assertThat(first.failures()).isEqualTo(1);
        assertThat(first.millis()).isBetween(100L, 125L);
        assertThat(second.failures()).isEqualTo(2);
        assertThat(second.millis()).isBetween(200L, 250L);
        assertThat(third.millis()).as("capped at the longest pause").isBetween(350L, 437L);
        assertThat(fourth.failures()).isEqualTo(4);
        assertThat(fourth.millis()).isBetween(350L, 437L);
    }

    @Test
    void shouldHoldAPartitionExactlyUntilItsPauseIsOver() {
        PartitionBackoffs.Pause pause = backoffs.failed(P0);

        assertThat(backoffs.mayFetch(P0, time.nanoTime())).isFalse();
        assertThat(backoffs.mayFetch(P1, time.nanoTime()))
                .as("other partitions are not held")
                .isTrue();
        time.advance(Duration.ofMillis(pause.millis() - 1));
        assertThat(backoffs.mayFetch(P0, time.nanoTime())).isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(backoffs.mayFetch(P0, time.nanoTime())).isTrue();
    }

    @Test
    void shouldStartAgainFromTheFirstPauseAfterAReset() {
        backoffs.failed(P0);
        backoffs.failed(P0);

        backoffs.reset(P0);

        assertThat(backoffs.mayFetch(P0, time.nanoTime())).isTrue();
        PartitionBackoffs.Pause next = backoffs.failed(P0);
        assertThat(next.failures()).isEqualTo(1);
        assertThat(next.millis()).isBetween(100L, 125L);
    }
}
