package io.runflowkafka.processor.orders;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.runflowkafka.processor.async.AsyncCallEngine;
import io.runflowkafka.processor.calls.RunflowErrors;
import io.runflowkafka.processor.internal.SubmissionTrigger;
import java.time.Duration;

/**
 * The headshot orders' meters: what became of each accepted photo, why orders were submitted, how
 * submissions ended, and the re-issued submissions an operator may have to reconcile.
 */
public final class OrderMetrics implements AsyncCallEngine.Observer {

    private final Counter collected;
    private final Counter duplicate;
    private final Counter late;
    private final Counter skipped;
    private final Counter byCount;
    private final Counter byIdle;
    private final Counter accepted;
    private final Counter deadLettered;
    private final Counter reissued;
    private final Counter retries;
    private final Timer latency;
    private final Timer failedLatency;
    private final RunflowErrors errors;

    /** Registers the meters; {@code inFlight} feeds the in-flight gauge. */
    public OrderMetrics(MeterRegistry registry, InFlightSubmissions inFlight) {
        collected = photos(registry, "collected");
        duplicate = photos(registry, "duplicate");
        late = photos(registry, "late");
        skipped = photos(registry, "skipped");
        byCount = Counter.builder("headshot.orders.submitted")
                .tag("trigger", "photo_count")
                .description("Orders handed to the submitter")
                .register(registry);
        byIdle = Counter.builder("headshot.orders.submitted")
                .tag("trigger", "idle_timeout")
                .description("Orders handed to the submitter")
                .register(registry);
        accepted = Counter.builder("headshots.submissions")
                .tag("outcome", "accepted")
                .description("Generate Headshots jobs by final outcome")
                .register(registry);
        deadLettered = Counter.builder("headshots.submissions")
                .tag("outcome", "dead_lettered")
                .description("Generate Headshots jobs by final outcome")
                .register(registry);
        reissued = Counter.builder("headshots.submissions.reissued")
                .description("Submissions sent again after a restart or task move: Runflow may hold two jobs for "
                        + "one job_ref; the WARN log names order and job_ref")
                .register(registry);
        retries = Counter.builder("headshots.submissions.retries").register(registry);
        latency = Timer.builder("headshots.submissions.latency")
                .tag("outcome", "success")
                .register(registry);
        failedLatency = Timer.builder("headshots.submissions.latency")
                .tag("outcome", "failure")
                .register(registry);
        Gauge.builder("headshots.submissions.in.flight", inFlight, InFlightSubmissions::inFlight)
                .description("Submissions sent to Runflow whose answer is not forwarded yet")
                .register(registry);
        errors = new RunflowErrors(registry, "generate_headshots");
    }

    private static Counter photos(MeterRegistry registry, String outcome) {
        return Counter.builder("headshot.orders.photos")
                .tag("outcome", outcome)
                .description("Accepted photos by what the order collector did with them")
                .register(registry);
    }

    void collected() {
        collected.increment();
    }

    void duplicate() {
        duplicate.increment();
    }

    void late() {
        late.increment();
    }

    void skipped() {
        skipped.increment();
    }

    void submitted(SubmissionTrigger trigger) {
        (trigger == SubmissionTrigger.PHOTO_COUNT ? byCount : byIdle).increment();
    }

    void accepted() {
        accepted.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void reissued() {
        reissued.increment();
    }

    @Override
    public void retried(Throwable failure, Duration delay) {
        retries.increment();
    }

    @Override
    public void answered(Duration duration, Throwable failureOrNull) {
        (failureOrNull == null ? latency : failedLatency).record(duration);
        if (failureOrNull != null) {
            errors.record(failureOrNull);
        }
    }
}
