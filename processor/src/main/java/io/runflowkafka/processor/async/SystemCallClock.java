package io.runflowkafka.processor.async;

import io.runflowkafka.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The production {@link CallClock}: the system's time, and one daemon thread that times retries. */
final class SystemCallClock implements CallClock {

    /** Its thread only schedules: a retry it runs makes an HTTP call, it never forwards a record. */
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("runflow-retry-scheduler"));

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
