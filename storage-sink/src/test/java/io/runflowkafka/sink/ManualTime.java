package io.runflowkafka.sink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A time source the test moves by hand; a pause is recorded and moves it, without waiting. */
final class ManualTime implements TimeSource {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    /** Moves time forward by {@code duration}. */
    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    /** The pauses asked for so far, in order. */
    List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }
}
