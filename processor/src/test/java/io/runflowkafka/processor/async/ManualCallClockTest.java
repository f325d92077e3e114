package io.runflowkafka.processor.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ManualCallClockTest {

    private final ManualCallClock clock = new ManualCallClock();

    @Test
    void shouldRunWhatFallsDueInOrderEachAtItsTime() {
        long start = clock.nanoTime();
        List<String> ran = new ArrayList<>();
        clock.schedule(() -> ran.add("b at " + (clock.nanoTime() - start)), Duration.ofNanos(20));
        clock.schedule(() -> ran.add("a at " + (clock.nanoTime() - start)), Duration.ofNanos(10));
        clock.schedule(() -> ran.add("c at " + (clock.nanoTime() - start)), Duration.ofNanos(31));

        clock.advance(Duration.ofNanos(30));

        assertThat(ran).containsExactly("a at 10", "b at 20");
        assertThat(clock.nanoTime() - start).isEqualTo(30);
        assertThat(clock.scheduled()).isEqualTo(1);
    }

    @Test
    void shouldRunATaskScheduledByATaskWhenItFallsDueInTheSameAdvance() {
        long start = clock.nanoTime();
        List<Long> ran = new ArrayList<>();
        clock.schedule(
                () -> {
                    ran.add(clock.nanoTime() - start);
                    clock.schedule(() -> ran.add(clock.nanoTime() - start), Duration.ofNanos(5));
                },
                Duration.ofNanos(5));

        clock.advance(Duration.ofNanos(10));

        assertThat(ran).containsExactly(5L, 10L);
    }

    @Test
    void shouldRefuseWorkOnceClosed() {
        clock.schedule(() -> {}, Duration.ofNanos(1));
        clock.close();

        assertThat(clock.scheduled()).isZero();
        assertThatThrownBy(() -> clock.schedule(() -> {}, Duration.ZERO))
                .isInstanceOf(RejectedExecutionException.class);
    }
}
