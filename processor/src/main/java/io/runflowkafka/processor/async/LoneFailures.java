package io.runflowkafka.processor.async;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells a call that fails alone from an outage, for every task of an instance: a call that keeps failing retryably
 * while calls of its kind (one handler class) succeed is given up after a deadline; while none succeeds, none is.
 */
final class LoneFailures {

    private final Duration giveUpAfter;
    /** When a call of each kind last got a final answer. */
    private final ConcurrentHashMap<String, Long> lastSuccessNanos = new ConcurrentHashMap<>();

    LoneFailures(Duration giveUpAfter) {
        if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("the give-up deadline must be positive but was " + giveUpAfter);
        }
        this.giveUpAfter = giveUpAfter;
    }

    /** A call of this kind got a final answer. */
    void succeeded(String kind, long nowNanos) {
        lastSuccessNanos.put(kind, nowNanos);
    }

    /**
     * Whether a call that just failed retryably again should be given up: it has failed for {@code giveUpAfter}
     * while calls of its kind kept succeeding. While none succeeds for half that time (an outage, of Runflow or of
     * what this kind of call needs), its clock starts again, so an outage never gives a call up, nor does the
     * first failure after one.
     */
    boolean shouldGiveUp(String kind, CallEntry<?> entry, long nowNanos) {
        long deadline = giveUpAfter.toNanos();
        Long lastSuccess = lastSuccessNanos.get(kind);
        if (lastSuccess == null || nowNanos - lastSuccess > deadline / 2 || entry.failingAloneSinceNanos == 0) {
            entry.failingAloneSinceNanos = nowNanos;
            return false;
        }
        return nowNanos - entry.failingAloneSinceNanos >= deadline;
    }
}
