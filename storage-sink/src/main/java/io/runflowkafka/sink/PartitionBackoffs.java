package io.runflowkafka.sink;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * The backoff of each partition after transient failures: the base pause doubled for each further failure, up to
 * the longest, plus up to a quarter of it as jitter; a partition may be fetched again once its pause is over, as
 * read on the injected {@link TimeSource}. Touched only by the loop thread.
 */
final class PartitionBackoffs {

    private final Duration base;
    private final Duration max;
    private final TimeSource time;
    private final Map<TopicPartition, Backoff> backoffs = new HashMap<>();

    PartitionBackoffs(Duration base, Duration max, TimeSource time) {
        this.base = base;
        this.max = max;
        this.time = time;
    }

    /** Counts one more transient failure of {@code partition} and starts its pause, which it returns. */
    Pause failed(TopicPartition partition) {
        Backoff previous = backoffs.get(partition);
        int failures = previous == null ? 1 : previous.failures() + 1;
        long delay = Math.min(max.toMillis(), base.toMillis() << Math.min(failures - 1, 20));
        delay += ThreadLocalRandom.current().nextLong(delay / 4 + 1);
        backoffs.put(partition, new Backoff(failures, time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay)));
        return new Pause(failures, delay);
    }

    /** Whether {@code partition} may be fetched at {@code nowNanos} (a reading of the same time source). */
    boolean mayFetch(TopicPartition partition, long nowNanos) {
        Backoff backoff = backoffs.get(partition);
        return backoff == null || nowNanos - backoff.resumeAtNanos() >= 0;
    }

    /** Forgets the failures of {@code partition}: it made progress, or it is no longer ours. */
    void reset(TopicPartition partition) {
        backoffs.remove(partition);
    }

    /**
     * One pause of a partition.
     *
     * @param failures transient failures in a row, this one included
     * @param millis how long the partition is paused
     */
    record Pause(int failures, long millis) {}

    /** A partition's transient-failure count and when it may be fetched again. */
    private record Backoff(int failures, long resumeAtNanos) {}
}
