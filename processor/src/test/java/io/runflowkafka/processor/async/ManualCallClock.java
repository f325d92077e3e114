package io.runflowkafka.processor.async;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CallClock} that moves only when a test moves it: {@link #advance} runs the retries that fall due, in
 * the order they fall due and on the test's thread, each with the clock reading its due time.
 */
public final class ManualCallClock implements CallClock {

    /** Far from zero, which the engine reads as "never", and from the ends of {@code long}. */
    private static final long START_NANOS = TimeUnit.DAYS.toNanos(1);

    private record Scheduled(long dueNanos, long sequence, Runnable task) {}

    private final PriorityQueue<Scheduled> scheduled =
            new PriorityQueue<>(Comparator.comparingLong(Scheduled::dueNanos).thenComparingLong(Scheduled::sequence));
    private long nowNanos = START_NANOS;
    private long sequence;
    private boolean closed;

    @Override
    public synchronized long nanoTime() {
        return nowNanos;
    }

    @Override
    public synchronized void schedule(Runnable task, Duration delay) {
        if (closed) {
            throw new RejectedExecutionException("the clock is closed");
        }
        scheduled.add(new Scheduled(nowNanos + delay.toNanos(), sequence++, task));
    }

    /** Moves the clock on by {@code duration}, running every task that falls due on the way (and those they add). */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = nowNanos + duration.toNanos();
        }
        while (true) {
            Scheduled next;
            synchronized (this) {
                next = scheduled.peek();
                if (next == null || next.dueNanos() > target) {
                    nowNanos = target;
                    return;
                }
                scheduled.poll();
                nowNanos = Math.max(nowNanos, next.dueNanos());
            }
            next.task().run(); // outside the lock: the task may schedule another
        }
    }

    /** Tasks scheduled and not run yet. */
    public synchronized int scheduled() {
        return scheduled.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        scheduled.clear();
    }
}
