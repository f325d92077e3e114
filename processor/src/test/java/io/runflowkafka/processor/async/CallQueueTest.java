package io.runflowkafka.processor.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallQueueTest {

    private final CallLimiter limiter = new CallLimiter(64, 0, Duration.ofMinutes(1), new ManualCallClock());
    private final List<String> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        limiter.close();
    }

    @Test
    void shouldStartOneCallPerKeyInInputOrderWhenOrdered() {
        CallQueue<String> queue = new CallQueue<>(true, limiter);
        CallEntry<String> a1 = add(queue, "1", "a");
        add(queue, "2", "a");
        add(queue, "3", "b");

        queue.dispatch(entry -> started.add(entry.id));
        assertThat(started).containsExactly("1", "3");

        queue.remove(a1);
        queue.dispatch(entry -> started.add(entry.id));
        assertThat(started).containsExactly("1", "3", "2");
    }

    @Test
    void shouldStartEveryCallAtOnceWhenNotOrdered() {
        CallQueue<String> queue = new CallQueue<>(false, limiter);
        add(queue, "1", "a");
        add(queue, "2", "a");

        queue.dispatch(entry -> started.add(entry.id));

        assertThat(started).containsExactly("1", "2");
    }

    @Test
    void shouldKeepACallAwaitingItsCommitInItsPlaceWithoutHoldingBackTheOthers() {
        CallQueue<String> queue = new CallQueue<>(false, limiter);
        add(queue, "1", "a").awaitingCommit = true;
        add(queue, "2", "b");

        queue.dispatch(entry -> started.add(entry.id));
        assertThat(started).containsExactly("2");

        add(queue, "3", "c").awaitingCommit = true;
        queue.committed();
        queue.dispatch(entry -> started.add(entry.id));
        assertThat(started).containsExactly("2", "1", "3");
    }

    @Test
    void shouldHoldOneCallPerIdAndCountItOnce() {
        CallQueue<String> queue = new CallQueue<>(true, limiter);
        CallEntry<String> first = add(queue, "1", "a");

        CallEntry<String> again = queue.add(new CallEntry<>("1", null, "again", "a"));

        assertThat(again).isSameAs(first);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(limiter.pendingCalls()).isEqualTo(1);
        assertThat(queue.holds(first)).isTrue();
        assertThat(queue.holds(new CallEntry<>("1", null, "other", "a"))).isFalse();
    }

    @Test
    void shouldGiveBackItsCountWhenCleared() {
        CallQueue<String> queue = new CallQueue<>(true, limiter);
        add(queue, "1", "a");
        add(queue, "2", "b");

        queue.clear();

        assertThat(queue.size()).isZero();
        assertThat(limiter.pendingCalls()).isZero();
    }

    @Test
    void shouldStartNoMoreThanTheLimiterHasSlotsFor() {
        CallLimiter oneSlot = new CallLimiter(1, 0, Duration.ofMinutes(1), new ManualCallClock());
        try {
            CallQueue<String> queue = new CallQueue<>(false, oneSlot);
            add(queue, "1", "a");
            add(queue, "2", "b");

            queue.dispatch(entry -> started.add(entry.id));
            assertThat(started).containsExactly("1");

            oneSlot.release();
            queue.dispatch(entry -> started.add(entry.id));
            assertThat(started).containsExactly("1", "2");
        } finally {
            oneSlot.close();
        }
    }

    private static CallEntry<String> add(CallQueue<String> queue, String id, String key) {
        return queue.add(new CallEntry<>(id, null, "payload " + id, key));
    }
}
