package io.runflowkafka.processor.async;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a task's answers to its processor on the stream thread, in the order they arrived, and holds them while
 * their output cannot be written. A registry that is down is probed again after a backoff that every task of the
 * instance keeps; an output the registry refuses halts the processor, its input left pending for the next start.
 */
final class AnswerDelivery<P, R> {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerDelivery.class);

    private static final Duration FIRST_OUTPUT_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_OUTPUT_BACKOFF = Duration.ofSeconds(5);
    /** A registry probe that took longer than this holds back the other tasks' probes (a fast refusal does not). */
    private static final long SLOW_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final CallLimiter limiter;
    private final AsyncCallEngine.Observer observer;
    private final LongSupplier clockMs;
    private final CallClock clock;
    /**
     * Forwards one answer, or throws {@link OutputUnavailableException} or {@link OutputRefusedException} having
     * forwarded nothing.
     */
    private final Consumer<CallAnswer<P, R>> forward;

    private final LinkedBlockingQueue<CallAnswer<P, R>> answers = new LinkedBlockingQueue<>();
    /** Answers whose output could not be written yet, oldest first; they go before any newer answer. */
    private final ArrayDeque<CallAnswer<P, R>> held = new ArrayDeque<>();

    private Duration outputBackoff = FIRST_OUTPUT_BACKOFF;
    private long outputRetryAtMs;
    private boolean holdingOutputs;

    AnswerDelivery(
            CallLimiter limiter,
            AsyncCallEngine.Observer observer,
            LongSupplier clockMs,
            Consumer<CallAnswer<P, R>> forward) {
        this.limiter = limiter;
        this.observer = observer;
        this.clockMs = clockMs;
        this.clock = limiter.clock();
        this.forward = forward;
    }

    /** Queues a final answer (any thread). */
    void arrived(CallAnswer<P, R> answer) {
        answers.add(answer);
    }

    /** Forwards the held answers, then the ones that arrived, until one cannot be written (stream thread). */
    void deliver() {
        if (clock.nanoTime() - limiter.noOutputProbeBeforeNanos() < 0) {
            return; // another task found the registry down a moment ago: no probe from here either
        }
        if (!held.isEmpty()) {
            if (clockMs.getAsLong() < Math.max(outputRetryAtMs, limiter.outputsDeferredUntilMs())) {
                return;
            }
            while (!held.isEmpty()) {
                if (!deliver(held.peekFirst())) {
                    return;
                }
                held.pollFirst();
            }
            outputBackoff = FIRST_OUTPUT_BACKOFF;
            releaseOutputs();
        }
        CallAnswer<P, R> answer;
        while ((answer = answers.poll()) != null) {
            if (!deliver(answer)) {
                held.addLast(answer);
                return;
            }
        }
    }

    /** Hands one answer to the processor; false when its output could not be written (nothing was forwarded). */
    private boolean deliver(CallAnswer<P, R> answer) {
        long startNanos = clock.nanoTime();
        try {
            forward.accept(answer);
            return true;
        } catch (OutputUnavailableException e) {
            // A registry that answers slowly or not at all: the probe took real time inside an open transaction,
            // so no task of the instance probes again for twice that long (the task clock is read once per task).
            long took = clock.nanoTime() - startNanos;
            if (took > SLOW_PROBE_NANOS) {
                limiter.noOutputProbeBefore(clock.nanoTime() + 2 * took);
            }
            holdOutputs(e, outputBackoff);
            outputBackoff = min(outputBackoff.multipliedBy(2), MAX_OUTPUT_BACKOFF);
            return false;
        } catch (OutputRefusedException e) {
            holdOutputs(e, MAX_OUTPUT_BACKOFF);
            limiter.halt("an output record was refused, so the processor stops (its input stays pending and is "
                    + "processed again on the next start): " + e.getMessage()
                    + "; fix the schema or the registry's compatibility setting, then restart");
            return false;
        }
    }

    private void holdOutputs(RuntimeException failure, Duration retryIn) {
        outputRetryAtMs = clockMs.getAsLong() + retryIn.toMillis();
        // Every task of the instance waits as well: one probe of the registry per backoff, not one per task.
        limiter.deferOutputs(outputRetryAtMs);
        if (!holdingOutputs) {
            holdingOutputs = true;
            LOG.warn(
                    "answers are held, not forwarded, until their output can be written (retrying in {} ms): {}",
                    retryIn.toMillis(),
                    failure.getMessage());
            limiter.outputHeld(failure.getMessage());
        }
        observer.outputHeld(failure, retryIn);
    }

    private void releaseOutputs() {
        if (holdingOutputs) {
            holdingOutputs = false;
            LOG.info("held answers written: their output can be written again");
            limiter.outputReleased();
        }
        observer.outputResumed();
    }

    /** Answers held because their output could not be written. */
    int held() {
        return held.size();
    }

    /** Drops every answer (the task is closed) and stops counting this task as one holding outputs. */
    void close() {
        answers.clear();
        held.clear();
        if (holdingOutputs) {
            holdingOutputs = false;
            limiter.outputReleased();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
