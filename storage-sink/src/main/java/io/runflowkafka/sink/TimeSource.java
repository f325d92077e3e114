package io.runflowkafka.sink;

import java.time.Duration;

/**
 * How the sink measures elapsed time and waits: backoffs and commit intervals read {@link #nanoTime()}, pauses
 * between tries go through {@link #sleep(Duration)}. Injected so tests move time by hand instead of waiting it.
 */
interface TimeSource {

    /** The JVM's monotonic clock and a real pause. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }
    };

    /** A monotonic reading in nanoseconds, comparable only with other readings of the same source. */
    long nanoTime();

    /** Pauses the calling thread for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
}
