package io.runflowkafka.processor.async;

import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.processor.kafka.CommitHooks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

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
 * <p>The stages have a class each: {@link CallQueue} (per-key order and dispatch), {@link CallAttempts} (attempts,
 * retries and lone failures, on HTTP threads), {@link AnswerDelivery} (forwarding on the stream thread, holding
 * answers whose output cannot be written) and {@link InputBackPressure} (pausing the input when full). This class
 * ties them to the store.
 *
 * @param <P> what a call is made from (the decoded input)
 * @param <R> what a call answers
 */
public final class AsyncCallEngine<P, R> {

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

    private final KeyValueStore<String, PendingCall> store;
    private final Handler<P, R> handler;
    private final CallLimiter limiter;
    private final boolean callAfterCommit;

    private final CallQueue<P> queue;
    private final CallAttempts<P, R> attempts;
    private final AnswerDelivery<P, R> delivery;
    private final InputBackPressure backPressure;

    /** Forwards answers while calls are pending or outputs held; set by {@link #open}. */
    private WhileBusy drains;

    private boolean commitHookSet;
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
     * @param callAfterCommit true to make a new call only once the transaction that stored it has committed (for
     *     calls that must not be made twice: one made from a transaction that then aborts would be made again by
     *     the task's next owner, and nothing would count it)
     */
    private AsyncCallEngine(
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
        this.handler = handler;
        this.limiter = limiter;
        this.callAfterCommit = callAfterCommit;
        this.queue = new CallQueue<>(ordered, limiter);
        this.delivery = new AnswerDelivery<>(limiter, observer, clockMs, this::forward);
        this.attempts = new CallAttempts<>(handler, observer, limiter, retryPolicy, delivery::arrived, () -> closed);
        this.backPressure = new InputBackPressure(maxPending);
        limiter.engineOpened();
    }

    /**
     * Opens the engine of the task {@code context} belongs to, from its processor's {@code init}: issues again every
     * call an earlier owner of the task left in {@code store}, then forwards answers on a wall-clock punctuation every
     * {@link CallSettings#drainInterval()}, scheduled only while a call is pending or an output held.
     *
     * @param store the task's changelogged store of pending calls
     * @param limiter the instance's shared cap, rate limit and halt switch
     * @param calls the retry policy, the drain interval and how many calls the task holds before its input is paused
     * @param ordered whether calls of one key run one at a time, in input order
     * @param handler the owning processor
     * @param observer told about calls, for metrics
     * @param callAfterCommit true to make a new call only once the transaction that stored it has committed (for
     *     calls that must not be made twice: one made from a transaction that then aborts would be made again by
     *     the task's next owner, and nothing would count it)
     */
    public static <P, R> AsyncCallEngine<P, R> open(
            ProcessorContext<?, ?> context,
            KeyValueStore<String, PendingCall> store,
            CallLimiter limiter,
            CallSettings calls,
            boolean ordered,
            Handler<P, R> handler,
            Observer observer,
            boolean callAfterCommit) {
        AsyncCallEngine<P, R> engine = new AsyncCallEngine<>(
                store,
                limiter,
                calls.retryPolicy(),
                ordered,
                calls.maxPendingPerTask(),
                handler,
                observer,
                context::currentSystemTimeMs,
                callAfterCommit);
        engine.restore(); // closes the engine itself when it fails
        try {
            engine.drains = new WhileBusy(
                    context,
                    calls.drainInterval(),
                    now -> engine.drain(),
                    () -> engine.pending() > 0 || engine.heldOutputs() > 0);
            engine.drains.wakeIfBusy();
        } catch (RuntimeException e) {
            engine.close(); // never returned: give back what it counted
            throw e;
        }
        return engine;
    }

    /**
     * A call made from the input record {@code source} now being processed: its place in the input, its
     * timestamp and when it was accepted ({@code acceptedAtMs}) set; the caller adds its key, value and trace.
     */
    public static PendingCall.Builder newCall(RecordMetadata source, long timestamp, long acceptedAtMs) {
        return PendingCall.newBuilder()
                .setTimestamp(timestamp)
                .setTopic(source.topic())
                .setPartition(source.partition())
                .setOffset(source.offset())
                .setAcceptedAt(acceptedAtMs);
    }

    /** The bytes of a stored call's key or value, without moving the buffer's position; null for null. */
    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
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
    private int restore() {
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
                queue.add(entry(next.key, next.value, handler.decode(next.value)));
                backPressure.inputOf(next.value);
                restored++;
            }
        }
        backPressure.accepted(queue.size());
        queue.dispatch(attempts::first);
        return restored;
    }

    /**
     * Accepts a call: stores it (in the transaction that will commit its input) and starts it when a
     * slot is free; then forwards the answers that have arrived and keeps the drain punctuation scheduled. From the
     * processor's {@code process} only, never from {@link Handler#completed} or {@link Handler#failed}: a drain
     * nested in a drain would forward the answer it is forwarding again.
     *
     * @param id unique within the task; store iteration order is restart order
     */
    public void submit(String id, PendingCall call, P payload) {
        store.put(id, call);
        CallEntry<P> entry = queue.add(entry(id, call, payload));
        if (callAfterCommit) {
            entry.awaitingCommit = true;
            if (!commitHookSet) {
                commitHookSet = CommitHooks.afterNextCommit(
                        new TopicPartition(call.getTopic(), call.getPartition()), this::committed);
                if (!commitHookSet) {
                    entry.awaitingCommit = false; // commits cannot be observed here: call at once
                }
            }
        }
        backPressure.inputOf(call);
        backPressure.accepted(queue.size());
        queue.dispatch(attempts::first);
        drain();
        drains.wake();
    }

    /** Forwards every answer that has arrived and starts calls that can start (stream thread). */
    public void drain() {
        delivery.deliver();
        queue.dispatch(attempts::first);
    }

    /** Answers held because their output could not be written. */
    public int heldOutputs() {
        return delivery.held();
    }

    /** Accepted calls not answered yet (in flight, waiting for a retry, or queued). */
    public int pending() {
        return queue.size();
    }

    /** Stops handing answers to this task; calls in flight give their slots back when they end. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        limiter.engineClosed();
        queue.clear();
        backPressure.close();
        delivery.close();
    }

    /** The transaction that stored the calls submitted so far has committed: they may be made now. */
    private void committed() {
        commitHookSet = false;
        if (!closed) {
            queue.committed();
            queue.dispatch(attempts::first);
        }
    }

    // Stream thread only: forwards one answer, then forgets its call (deleted from the store in the same transaction).
    private void forward(CallAnswer<P, R> answer) {
        CallEntry<P> entry = answer.entry();
        if (closed || !queue.holds(entry)) {
            return;
        }
        if (answer.halted()) {
            queue.startFirst(entry); // held, not failed: issued again once calls may be made
            return;
        }
        if (answer.failure() == null) {
            handler.completed(entry.call, entry.payload, answer.result(), entry.attempts);
        } else {
            handler.failed(entry.call, entry.payload, answer.failure(), entry.attempts);
        }
        store.delete(entry.id);
        queue.remove(entry);
        backPressure.answered(queue.size());
    }

    private static <P> CallEntry<P> entry(String id, PendingCall call, P payload) {
        String key = call.getKey() == null
                ? ""
                : StandardCharsets.UTF_8.decode(call.getKey().duplicate()).toString();
        return new CallEntry<>(id, call, payload, key);
    }
}
