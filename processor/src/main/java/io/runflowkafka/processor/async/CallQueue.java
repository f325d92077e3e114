package io.runflowkafka.processor.async;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The calls one task has accepted and not answered, and the order they start in (stream thread only). When order is
 * kept, one call per key runs at a time and the later ones wait behind it, in input order. A call stored in a
 * transaction that has not committed yet waits for the commit, without holding back the calls behind it.
 *
 * <p>The instance's count of pending calls ({@link CallLimiter#pendingCalls()}) follows what this queue holds.
 */
final class CallQueue<P> {

    private final boolean ordered;
    private final CallLimiter limiter;

    private final Map<String, CallEntry<P>> entries = new HashMap<>();
    private final Map<String, ArrayDeque<String>> waitingByKey = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();

    CallQueue(boolean ordered, CallLimiter limiter) {
        this.ordered = ordered;
        this.limiter = limiter;
    }

    /**
     * Accepts a call, unless one with its id is held already (an input processed again after a task was revived):
     * one call per id. Returns the call held under the id.
     */
    CallEntry<P> add(CallEntry<P> entry) {
        CallEntry<P> held = entries.get(entry.id);
        if (held != null) {
            return held;
        }
        entries.put(entry.id, entry);
        limiter.pendingAdded();
        if (!ordered) {
            ready.add(entry.id);
            return entry;
        }
        ArrayDeque<String> queue = waitingByKey.computeIfAbsent(entry.key, k -> new ArrayDeque<>());
        queue.add(entry.id);
        if (queue.size() == 1) {
            ready.add(entry.id);
        }
        return entry;
    }

    /**
     * Starts the calls that may start, in order, while the limiter gives slots; the ones awaiting their commit keep
     * their place.
     */
    void dispatch(Consumer<CallEntry<P>> start) {
        ArrayDeque<String> uncommitted = null;
        while (!ready.isEmpty()) {
            CallEntry<P> entry = entries.get(ready.peek());
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
            start.accept(entry);
        }
        if (uncommitted != null) {
            uncommitted.descendingIterator().forEachRemaining(ready::addFirst);
        }
    }

    /** The transaction that stored the calls accepted so far has committed: they may start. */
    void committed() {
        entries.values().forEach(entry -> entry.awaitingCommit = false);
    }

    /** Whether this is the call held under its id (not one of a closed task, nor one answered already). */
    boolean holds(CallEntry<P> entry) {
        return entries.get(entry.id) == entry;
    }

    /** Puts a call first in line again: it was held, not answered, while calls were halted. */
    void startFirst(CallEntry<P> entry) {
        ready.addFirst(entry.id);
    }

    /** Removes an answered call; the next call of its key may start. */
    void remove(CallEntry<P> entry) {
        entries.remove(entry.id);
        limiter.pendingRemoved(1);
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

    /** Accepted calls not answered yet (in flight, waiting for a retry, or queued). */
    int size() {
        return entries.size();
    }

    /** Forgets every call (the task is closed); calls in flight give their slots back when they end. */
    void clear() {
        limiter.pendingRemoved(entries.size());
        entries.clear();
        waitingByKey.clear();
        ready.clear();
    }
}
