package io.runflowkafka.processor.async;

import io.runflowkafka.processor.internal.PendingCall;

/**
 * One call a task has accepted, from its submission until its answer is forwarded.
 *
 * @param <P> what the call is made from
 */
final class CallEntry<P> {
    final String id;
    final PendingCall call;
    final P payload;
    /** The key whose calls run one at a time when order is kept. */
    final String key;

    volatile int attempts;
    volatile long firstStartNanos;
    /** Stored in a transaction that has not committed yet (stream thread only). */
    boolean awaitingCommit;
    /** Since when this call has failed while other calls of its kind succeeded (0: not failing alone). */
    volatile long failingAloneSinceNanos;

    CallEntry(String id, PendingCall call, P payload, String key) {
        this.id = id;
        this.call = call;
        this.payload = payload;
        this.key = key;
    }
}
