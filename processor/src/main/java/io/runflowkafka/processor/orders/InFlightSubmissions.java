package io.runflowkafka.processor.orders;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The submissions of one processor instance that were sent to Runflow and whose answer has not been
 * forwarded yet, so that a planned shutdown can wait for them.
 *
 * <p>Why: Runflow has no idempotency key. An answer lost in a shutdown leaves its submission pending in
 * the store, and the next owner sends it again, which makes a second job. {@link #drain} stops sending
 * new submissions (they stay pending, unsent, and are sent by the next owner) and waits until every sent
 * one has been answered and forwarded, so a clean shutdown never repeats a submission.
 */
public final class InFlightSubmissions implements AutoCloseable {

    private final Set<String> sent = new HashSet<>();
    private final List<CompletableFuture<?>> parked = new ArrayList<>();
    private boolean draining;

    /**
     * Sends a submission unless a drain has begun and it was not sent before; a held one gets a future
     * that only ends when this object is closed.
     *
     * @param jobRef the submission's job reference
     * @param send starts the HTTP call
     */
    public <T> CompletableFuture<T> send(String jobRef, Supplier<CompletableFuture<T>> send) {
        synchronized (this) {
            // A retry of a submission already sent goes on during a drain: its answer is what the drain waits for.
            if (draining && !sent.contains(jobRef)) {
                CompletableFuture<T> held = new CompletableFuture<>();
                parked.add(held);
                return held;
            }
            sent.add(jobRef);
        }
        return send.get();
    }

    /**
     * Marks a submission as no longer awaited: its answer was forwarded on the stream thread (and is committed
     * with the next commit), or its task was closed and the next owner sends it again.
     */
    public void forwarded(String jobRef) {
        synchronized (this) {
            if (sent.remove(jobRef) && sent.isEmpty()) {
                notifyAll();
            }
        }
    }

    /** Submissions sent and not answered yet. */
    public synchronized int inFlight() {
        return sent.size();
    }

    /**
     * Stops sending new submissions and waits, at most {@code maxWait}, until every sent one is answered.
     *
     * @return true when none is left in flight
     */
    public boolean drain(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (this) {
            draining = true;
            while (!sent.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Ends the held submissions' futures (after Kafka Streams is closed), so their call slots are given back. */
    @Override
    public void close() {
        List<CompletableFuture<?>> held;
        synchronized (this) {
            held = new ArrayList<>(parked);
            parked.clear();
        }
        held.forEach(future -> future.completeExceptionally(
                new CancellationException("held at shutdown: sent by the next owner of the task")));
    }
}
