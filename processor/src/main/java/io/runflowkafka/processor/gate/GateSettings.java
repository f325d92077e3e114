package io.runflowkafka.processor.gate;

import io.runflowkafka.client.RetryPolicy;
import java.time.Duration;

/**
 * How the quality gate behaves.
 *
 * @param threshold a score at or above it is accepted
 * @param ordered one call in flight per order (key), in input order; false scores a key's uploads concurrently
 * @param maxPendingPerTask accepted but unanswered uploads a task holds before its input is paused
 * @param drainInterval how often (wall clock) answers are forwarded when no input arrives
 * @param retryPolicy backoff for 429, 5xx, time-outs and connection failures
 */
public record GateSettings(
        double threshold, boolean ordered, int maxPendingPerTask, Duration drainInterval, RetryPolicy retryPolicy) {

    public GateSettings {
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
        }
        if (maxPendingPerTask < 1) {
            throw new IllegalArgumentException("max pending per task must be at least 1");
        }
    }

    /** Defaults: threshold 0.6, ordered, retries that hold work through an outage. */
    public static GateSettings defaults(int maxInFlight) {
        return new GateSettings(0.6, true, maxPendingPerTask(maxInFlight), Duration.ofMillis(10), holdingRetries());
    }

    /** Room a task keeps for accepted but unanswered uploads: twice the cap, so the cap stays full while answers drain. */
    public static int maxPendingPerTask(int maxInFlight) {
        return Math.max(64, 2 * maxInFlight);
    }

    /** Retries transient failures without a cap on attempts: an outage holds the work, it does not fail it. */
    public static RetryPolicy holdingRetries() {
        return RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(200))
                .maxBackoff(Duration.ofSeconds(30))
                .multiplier(2.0)
                .jitter(0.2)
                .maxAttempts(Integer.MAX_VALUE)
                .maxTotalTime(Duration.ofDays(3650))
                .build();
    }
}
