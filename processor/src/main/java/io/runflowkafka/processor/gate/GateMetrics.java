package io.runflowkafka.processor.gate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.runflowkafka.client.RateLimitedException;
import io.runflowkafka.processor.async.AsyncCallEngine;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.calls.RunflowErrors;
import java.time.Duration;

/** The quality gate's meters: calls in flight, call latency, retries, 429s and each outcome. */
public final class GateMetrics implements AsyncCallEngine.Observer {

    private final Counter accepted;
    private final Counter retake;
    private final Counter deadLettered;
    private final Counter retries;
    private final Counter rateLimited;
    private final Timer latency;
    private final Timer failedLatency;
    private final RunflowErrors errors;

    public GateMetrics(MeterRegistry registry, CallLimiter limiter) {
        Gauge.builder("runflow.calls.in.flight", limiter, CallLimiter::inFlight)
                .description("Runflow calls holding a slot (in flight or waiting for a retry)")
                .register(registry);
        accepted = Counter.builder("uploads.scored").tag("decision", "accepted").register(registry);
        retake = Counter.builder("uploads.scored").tag("decision", "retake").register(registry);
        deadLettered = Counter.builder("uploads.dead.lettered").register(registry);
        retries = Counter.builder("runflow.calls.retries").register(registry);
        rateLimited = Counter.builder("runflow.calls.rate.limited")
                .description("429 answers")
                .register(registry);
        latency = Timer.builder("runflow.calls.latency")
                .tag("outcome", "success")
                .publishPercentileHistogram()
                .register(registry);
        failedLatency = Timer.builder("runflow.calls.latency")
                .tag("outcome", "failure")
                .publishPercentileHistogram()
                .register(registry);
        errors = new RunflowErrors(registry, "score");
    }

    void accepted() {
        accepted.increment();
    }

    void retake() {
        retake.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    @Override
    public void retried(Throwable failure, Duration delay) {
        retries.increment();
    }

    @Override
    public void answered(Duration duration, Throwable failureOrNull) {
        if (failureOrNull instanceof RateLimitedException) {
            rateLimited.increment();
        }
        if (failureOrNull != null) {
            errors.record(failureOrNull);
        }
        (failureOrNull == null ? latency : failedLatency).record(duration);
    }
}
