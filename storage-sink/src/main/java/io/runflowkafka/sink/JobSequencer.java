package io.runflowkafka.sink;

import io.runflowkafka.common.concurrent.DaemonThreads;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Per-job ordering: runs events on the event threads, and two completions of one job in flight one after the
 * other, so the second sees the first's manifest (and is not archived twice).
 */
final class JobSequencer implements AutoCloseable {

    private final ExecutorService events;
    private final Map<String, CompletableFuture<Outcome>> lastOfJob = new ConcurrentHashMap<>();

    /** A sequencer with {@code threads} event threads. */
    JobSequencer(int threads) {
        this.events = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("sink-event"));
    }

    /**
     * Runs {@code handling} once the previous event of {@code job} (if any is in flight) has finished, however it
     * finished; an event without a job ({@code null}) runs at once.
     */
    CompletableFuture<Outcome> submit(String job, Supplier<Outcome> handling) {
        CompletableFuture<Outcome> previous = job == null ? null : lastOfJob.get(job);
        CompletableFuture<Outcome> outcome = previous == null
                ? CompletableFuture.supplyAsync(handling, events)
                : previous.handle((ignored, failure) -> null).thenApplyAsync(ignored -> handling.get(), events);
        if (job != null) {
            lastOfJob.put(job, outcome);
            outcome.whenComplete((ignored, failure) -> lastOfJob.remove(job, outcome));
        }
        return outcome;
    }

    /** Interrupts the events still running. */
    @Override
    public void close() {
        events.shutdownNow();
    }
}
