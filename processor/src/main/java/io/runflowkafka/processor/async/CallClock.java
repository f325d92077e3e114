package io.runflowkafka.processor.async;

import java.time.Duration;

/**
 * The time of Runflow calls: what time it is, and running a retry once its backoff has passed. {@link #system()} in
 * production; a test passes a clock it moves itself, so backoffs and deadlines pass without waiting for them.
 *
 * <p>The task's wall clock, which times output retries and punctuation, is Kafka Streams' and not this one.
 */
public interface CallClock extends AutoCloseable {

    /** Now in nanoseconds, as {@link System#nanoTime()}: only the difference of two readings means anything. */
    long nanoTime();

    /**
     * Runs {@code task} once {@code delay} has passed, on a thread that only times retries; throws {@link
     * java.util.concurrent.RejectedExecutionException} once the clock is closed.
     */
    void schedule(Runnable task, Duration delay);

    /** Drops what is scheduled and runs nothing more. */
    @Override
    void close();

    /** A new clock on {@link System#nanoTime()}, with a thread of its own that runs retries. */
    static CallClock system() {
        return new SystemCallClock();
    }
}
