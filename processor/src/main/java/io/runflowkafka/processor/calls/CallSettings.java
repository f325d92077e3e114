package io.runflowkafka.processor.calls;

import io.runflowkafka.client.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How a task calls Runflow, the same for the quality gate's score calls and the headshot orders' submissions: how
 * many unanswered calls it holds, how often it forwards answers, and how it retries.
 *
 * @param maxPendingPerTask accepted but unanswered calls a task holds before its input is paused
 * @param drainInterval how often (wall clock) answers are forwarded when no input arrives
 * @param retryPolicy backoff for 429, 5xx, time-outs and connection failures
 */
public record CallSettings(int maxPendingPerTask, Duration drainInterval, RetryPolicy retryPolicy) {

    /** Checks the bound and that nothing is missing. */
    public CallSettings {
        if (maxPendingPerTask < 1) {
            throw new IllegalArgumentException("max pending per task must be at least 1");
        }
        Objects.requireNonNull(drainInterval, "drainInterval");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
    }

    /** The processor's settings for an instance allowed {@code maxInFlight} calls at once: retries that hold work. */
    public static CallSettings of(int maxInFlight, Duration drainInterval) {
        return new CallSettings(maxPendingPerTask(maxInFlight), drainInterval, holdingRetries());
    }

    /** Room a task keeps for accepted but unanswered calls: twice the cap, so the cap stays full while answers drain. */
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
