package io.runflowkafka.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The bridge's request meter: {@code bridge_requests_seconds} by callback kind and outcome, whose count is the
 * number of requests per outcome and whose histogram is the latency. Labels are fixed words, never a path.
 */
public final class BridgeMetrics {

    /** How a callback request ended; the label value of {@code outcome}. */
    public enum Outcome {
        /** 200: the event is acknowledged by Kafka. */
        STORED(200),
        /** 401: wrong or missing token or signature. */
        UNAUTHORIZED(401),
        /** 400: the body or a field is not acceptable. */
        INVALID(400),
        /** 413: the body is over the limit. */
        TOO_LARGE(413),
        /** 415: not JSON. */
        UNSUPPORTED_MEDIA_TYPE(415),
        /** 503: Kafka did not acknowledge in time; the sender should retry. */
        UNAVAILABLE(503),
        /** 500: a fault of the bridge itself. */
        ERROR(500);

        private final int status;

        Outcome(int status) {
            this.status = status;
        }

        /** The HTTP status answered for this outcome. */
        public int status() {
            return status;
        }

        /** The metric label value. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** @param registry where the meters live */
    public BridgeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Records one finished request. */
    public void record(String kind, Outcome outcome, long startedNanos) {
        timers.computeIfAbsent(
                        kind + '/' + outcome.label(),
                        key -> Timer.builder("bridge.requests")
                                .description("Callback requests by kind and outcome, from arrival to the answer")
                                .tag("kind", kind)
                                .tag("outcome", outcome.label())
                                .publishPercentileHistogram()
                                .register(registry))
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /** How many requests of {@code kind} ended with {@code outcome} so far. */
    public long count(String kind, Outcome outcome) {
        Timer timer = timers.get(kind + '/' + outcome.label());
        return timer == null ? 0 : timer.count();
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }
}
