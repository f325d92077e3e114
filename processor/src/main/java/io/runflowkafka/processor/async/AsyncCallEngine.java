package io.runflowkafka.processor.async;

import io.runflowkafka.client.ForbiddenException;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.client.UnauthorizedException;
import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.processor.kafka.CommitHooks;
import io.runflowkafka.processor.kafka.InputFlowControl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs many Runflow calls at once for one Kafka Streams task and hands their answers back on the
 * stream thread, exactly once.
 *
 * <p>The mechanism: a call is written to a changelogged store in the transaction that commits its
 * input offset; its answer is forwarded, and the entry deleted, in a later transaction. A crash
 * between the two leaves the entry in the store (restored from the changelog), so the new owner of
 * the task issues the call again from {@link #restore()}; an aborted transaction's output is never
 * seen by {@code read_committed} readers. Answers arrive on HTTP threads and only go into a queue;
 * everything that touches the store or forwards runs on the stream thread.
 *
 * <p>Per key order is kept when {@code ordered}: one call in flight per key, later ones queued behind.
 *
 * @param <P> what a call is made from (the decoded input)
 * @param <R> what a call answers
 */
public final class AsyncCallEngine<P, R> {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncCallEngine.class);

    /** What the engine needs from the processor that owns it. */
    public interface Handler<P, R> {
        /** Decodes a stored call again after a restart. */
        P decode(PendingCall call);

        /** Starts one attempt of the call; may be invoked again for retries, from another thread. */
        CompletableFuture<R> call(P payload);

        /**
         * Forwards the answer (stream thread). Throws {@link OutputUnavailableException} or
         * {@link OutputRefusedException} before it forwards anything when the output cannot be written.
         */
        void completed(PendingCall call, P payload, R result, int attempts);

        /**
         * Forwards a permanent failure, typically to the dead-letter topic (stream thread); throws as
         * {@link #completed} does.
         */
        void failed(PendingCall call, P payload, Throwable failure, int attempts);
    }

    /** Told what happens, for metrics. Every method has a no-op default. */
    public interface Observer {
        default void started() {}

        default void retried(Throwable failure, Duration delay) {}

        default void answered(Duration latency, Throwable failureOrNull) {}

        /** An answer's output could not be written; it is kept and tried again after {@code retryIn}. */
        default void outputHeld(Throwable failure, Duration retryIn) {}

        /** Held outputs were written again after they had been held. */
        default void outputResumed() {}
    }

    private static final Duration FIRST_OUTPUT_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_OUTPUT_BACKOFF = Duration.ofSeconds(5);
    /** A registry probe that took longer than this holds back the other tasks' probes (a fast refusal does not). */
    private static final long SLOW_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final KeyValueStore<String, PendingCall> store;
    private final CallLimiter limiter;
    private final RetryPolicy retryPolicy;
    private final boolean ordered;
    private final int maxPending;
    private final Handler<P, R> handler;
    private final Observer observer;

    private final Map<String, Entry<P>> entries = new HashMap<>();
    private final Map<String, ArrayDeque<String>> waitingByKey = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private final LinkedBlockingQueue<Answer<P, R>> answers = new LinkedBlockingQueue<>();
    /** Answers whose output could not be written yet, oldest first; they go before any newer answer. */
    private final ArrayDeque<Answer<P, R>> held = new ArrayDeque<>();

    private Duration outputBackoff = FIRST_OUTPUT_BACKOFF;
    private long outputRetryAtMs;
    private boolean holdingOutputs;
    /** The input partitions of the task (one, for the processors here). */
    private final Set<TopicPartition> inputs = new HashSet<>();

    private boolean inputHeld;
    private final boolean callAfterCommit;
    /** Calls of one kind (one handler class) judge each other: a lone failure is one while others of its kind succeed. */
    private final String kind;

    private boolean commitHookSet;
    private final LongSupplier clockMs;
    private volatile boolean closed;

    /**
     * Creates the engine of one task.
     *
     * @param store the task's changelogged store of pending calls
     * @param limiter the instance's shared cap, rate limit and halt switch
     * @param retryPolicy when and how long to wait before retrying a transient failure
     * @param ordered whether calls of one key run one at a time, in input order
     * @param maxPending how many accepted but unanswered calls the task holds before its input is paused
     * @param handler the owning processor
     * @param observer told about calls, for metrics
     * @param clockMs the task's wall clock ({@code context::currentSystemTimeMs}), which times output retries
     */
    public AsyncCallEngine(
            KeyValueStore<String, PendingCall> store,
            CallLimiter limiter,
            RetryPolicy retryPolicy,
            boolean ordered,
            int maxPending,
            Handler<P, R> handler,
            Observer observer,
            LongSupplier clockMs) {
        this(store, limiter, retryPolicy, ordered, maxPending, handler, observer, clockMs, false);
    }

    /**
     * Creates the engine of one task.
     *
     * @param callAfterCommit true to make a new call only once the transaction that stored it has committed (for
     *     calls that must not be made twice: one made from a transaction that then aborts would be made again by
     *     the task's next owner, and nothing would count it)
     */
    public AsyncCallEngine(
            KeyValueStore<String, PendingCall> store,
            CallLimiter limiter,
            RetryPolicy retryPolicy,
            boolean ordered,
            int maxPending,
            Handler<P, R> handler,
            Observer observer,
            LongSupplier clockMs,
            boolean callAfterCommit) {
        this.store = store;
        this.limiter = limiter;
        this.retryPolicy = retryPolicy;
        this.ordered = ordered;
        this.maxPending = maxPending;
        this.handler = handler;
        this.observer = observer;
        this.clockMs = clockMs;
        this.callAfterCommit = callAfterCommit;
        this.kind = handler.getClass().getName();
        limiter.engineOpened();
    }

    /**
     * The id of the call made from the input record at {@code offset}: zero-padded to 19 digits, so that the store's
     * iteration order is the input order, which {@link #restore()} keeps. (Not {@code String.format}: it runs per record.)
     */
    public static String callId(long offset) {
        String digits = Long.toString(offset);
        return "0".repeat(Math.max(0, 19 - digits.length())) + digits;
    }

    /** Issues every call left in the store by an earlier owner of the task, in id order. */
    public int restore() {
        try {
            return restoreAll();
        } catch (RuntimeException e) {
            close(); // the task never runs: give back what it counted
            throw e;
        }
    }

    private int restoreAll() {
        int restored = 0;
        try (KeyValueIterator<String, PendingCall> all = store.all()) {
            while (all.hasNext()) {
                var next = all.next();
                enqueue(next.key, next.value, handler.decode(next.value), orderKey(next.value));
                inputs.add(new TopicPartition(next.value.getTopic(), next.value.getPartition()));
                restored++;
            }
        }
        if (entries.size() >= maxPending) {
            holdInput();
        }
        dispatchReady();
        return restored;
    }

    /**
     * Accepts a call: stores it (in the transaction that will commit its input) and starts it when a
     * slot is free.
     *
     * @param id unique within the task; store iteration order is restart order
     */
    public void submit(String id, PendingCall call, P payload) {
        store.put(id, call);
        enqueue(id, call, payload, orderKey(call));
        if (callAfterCommit) {
            entries.get(id).awaitingCommit = true;
            if (!commitHookSet) {
                commitHookSet = CommitHooks.afterNextCommit(
                        new TopicPartition(call.getTopic(), call.getPartition()), this::committed);
                if (!commitHookSet) {
                    entries.get(id).awaitingCommit = false; // commits cannot be observed here: call at once
                }
            }
        }
        inputs.add(new TopicPartition(call.getTopic(), call.getPartition()));
        if (entries.size() >= maxPending) {
            holdInput();
        }
        dispatchReady();
    }

    /** Forwards every answer that has arrived and starts calls that can start (stream thread). */
    public void drain() {
        deliverAnswers();
        dispatchReady();
    }

    private void deliverAnswers() {
        if (System.nanoTime() - limiter.noOutputProbeBeforeNanos() < 0) {
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
        Answer<P, R> answer;
        while ((answer = answers.poll()) != null) {
            if (!deliver(answer)) {
                held.addLast(answer);
                return;
            }
        }
    }

    /** Hands one answer to the handler; false when its output could not be written (nothing was forwarded). */
    private boolean deliver(Answer<P, R> answer) {
        long startNanos = System.nanoTime();
        try {
            handle(answer);
            return true;
        } catch (OutputUnavailableException e) {
            // A registry that answers slowly or not at all: the probe took real time inside an open transaction,
            // so no task of the instance probes again for twice that long (the task clock is read once per task).
            long took = System.nanoTime() - startNanos;
            if (took > SLOW_PROBE_NANOS) {
                limiter.noOutputProbeBefore(System.nanoTime() + 2 * took);
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
    public int heldOutputs() {
        return held.size();
    }

    /** Accepted calls not answered yet (in flight, waiting for a retry, or queued). */
    public int pending() {
        return entries.size();
    }

    /** Stops handing answers to this task; calls in flight give their slots back when they end. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        limiter.engineClosed();
        limiter.pendingRemoved(entries.size());
        if (inputHeld) {
            releaseInput();
        }
        entries.clear();
        waitingByKey.clear();
        ready.clear();
        answers.clear();
        held.clear();
        if (holdingOutputs) {
            holdingOutputs = false;
            limiter.outputReleased();
        }
    }

    private void enqueue(String id, PendingCall call, P payload, String key) {
        if (entries.containsKey(id)) {
            return; // already held (an input processed again after a task was revived): one call per id
        }
        entries.put(id, new Entry<>(id, call, payload, key));
        limiter.pendingAdded();
        if (!ordered) {
            ready.add(id);
            return;
        }
        ArrayDeque<String> queue = waitingByKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        queue.add(id);
        if (queue.size() == 1) {
            ready.add(id);
        }
    }

    // Back-pressure: the input waits in Kafka (its partitions paused) while the task holds maxPending calls, and
    // until half of them are answered. process() never blocks, so no transaction is held open waiting for room.
    private void holdInput() {
        if (!inputHeld) {
            inputHeld = true;
            InputFlowControl.hold(inputs);
        }
    }

    private void releaseInput() {
        inputHeld = false;
        InputFlowControl.release(inputs);
    }

    /** The transaction that stored the calls submitted so far has committed: they may be made now. */
    private void committed() {
        commitHookSet = false;
        if (!closed) {
            entries.values().forEach(entry -> entry.awaitingCommit = false);
            dispatchReady();
        }
    }

    private void dispatchReady() {
        ArrayDeque<String> uncommitted = null;
        while (!ready.isEmpty()) {
            Entry<P> entry = entries.get(ready.peek());
            if (entry.awaitingCommit) {
                if (uncommitted == null) {
                    uncommitted = new ArrayDeque<>();
                }
                uncommitted.add(ready.poll());
                continue;
            }
            if (!limiter.tryAcquire()) {
                break;
            }
            ready.poll();
            entry.firstStartNanos = System.nanoTime();
            start(entry, 1);
        }
        if (uncommitted != null) {
            uncommitted.descendingIterator().forEachRemaining(ready::addFirst);
        }
    }

    private void start(Entry<P> entry, int attempt) {
        entry.attempts = attempt;
        long startNanos = System.nanoTime();
        observer.started();
        CompletableFuture<R> call;
        try {
            call = handler.call(entry.payload);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((result, failure) -> onAnswer(entry, attempt, startNanos, result, failure));
    }

    // Runs on an HTTP thread (or the caller's, for an already completed future): queues only.
    private void onAnswer(Entry<P> entry, int attempt, long startNanos, R result, Throwable failure) {
        Throwable cause = unwrap(failure);
        observer.answered(Duration.ofNanos(System.nanoTime() - startNanos), cause);
        if (closed) {
            limiter.release();
            return;
        }
        if (cause == null) {
            limiter.succeeded(kind);
            finish(new Answer<>(entry, result, null, false));
        } else if (cause instanceof UnauthorizedException || cause instanceof ForbiddenException) {
            limiter.halt("Runflow refused the API key (" + cause.getMessage() + "): no more calls are made; "
                    + "set runflow.api-key to a valid key with the needed scope and restart the processor");
            finish(new Answer<>(entry, null, cause, true));
        } else if (retryPolicy.isRetryable(cause) && limiter.shouldGiveUp(kind, entry, System.nanoTime())) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - entry.firstStartNanos);
            finish(new Answer<>(
                    entry,
                    null,
                    new GaveUpException(
                            "gave up after " + attempt + " attempts in " + elapsed.toSeconds()
                                    + " s while other calls succeeded; last failure: " + cause.getMessage(),
                            cause),
                    false));
        } else if (retryPolicy.isRetryable(cause)) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - entry.firstStartNanos);
            var delay = retryPolicy.nextDelay(attempt, cause, elapsed);
            if (delay.isEmpty()) {
                finish(new Answer<>(entry, null, cause, false));
                return;
            }
            Duration wait = max(delay.get(), limiter.reserveRetry());
            observer.retried(cause, wait);
            limiter.scheduler().schedule(() -> retry(entry, attempt + 1), wait.toNanos(), TimeUnit.NANOSECONDS);
        } else {
            finish(new Answer<>(entry, null, cause, false));
        }
    }

    private void retry(Entry<P> entry, int attempt) {
        if (closed) {
            limiter.release();
        } else if (limiter.halted()) {
            finish(new Answer<>(entry, null, null, true));
        } else {
            start(entry, attempt);
        }
    }

    private void finish(Answer<P, R> answer) {
        limiter.release();
        answers.add(answer);
    }

    // Stream thread only.
    private void handle(Answer<P, R> answer) {
        Entry<P> entry = answer.entry;
        if (closed || entries.get(entry.id) != entry) {
            return;
        }
        if (answer.halted) {
            ready.addFirst(entry.id); // held, not failed: issued again once calls may be made
            return;
        }
        if (answer.failure == null) {
            handler.completed(entry.call, entry.payload, answer.result, entry.attempts);
        } else {
            handler.failed(entry.call, entry.payload, answer.failure, entry.attempts);
        }
        store.delete(entry.id);
        entries.remove(entry.id);
        limiter.pendingRemoved(1);
        if (inputHeld && entries.size() <= maxPending / 2) {
            releaseInput();
        }
        if (ordered) {
            ArrayDeque<String> queue = waitingByKey.get(entry.key);
            queue.poll();
            if (queue.isEmpty()) {
                waitingByKey.remove(entry.key);
            } else {
                ready.add(queue.peek());
            }
        }
    }

    private static String orderKey(PendingCall call) {
        return call.getKey() == null
                ? ""
                : StandardCharsets.UTF_8.decode(call.getKey().duplicate()).toString();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static final class Entry<P> {
        final String id;
        final PendingCall call;
        final P payload;
        final String key;
        volatile int attempts;
        volatile long firstStartNanos;
        /** Stored in a transaction that has not committed yet (stream thread only). */
        boolean awaitingCommit;
        /** Since when this call has failed while other calls of its kind succeeded (0: not failing alone). */
        volatile long failingAloneSinceNanos;

        Entry(String id, PendingCall call, P payload, String key) {
            this.id = id;
            this.call = call;
            this.payload = payload;
            this.key = key;
        }
    }

    private record Answer<P, R>(Entry<P> entry, R result, Throwable failure, boolean halted) {}
}
