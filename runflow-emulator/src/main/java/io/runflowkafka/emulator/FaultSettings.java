package io.runflowkafka.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The faults the emulator injects into its API endpoints (Score Image, Generate Headshots, model
 * runs; health only sees the outage): added latency, error rates per status, a full outage window
 * and slow response bodies.
 *
 * @param latency latency added before every API answer
 * @param errorRates probability (0–1) per HTTP status (4xx/5xx) of answering that status instead;
 *     the rates add up to at most 1
 * @param retryAfter the {@code Retry-After} sent with injected 429 and 503 and during the outage
 * @param outageStart start of the window in which every API call and health answer 503, or {@code null}
 * @param outageEnd end of that window, or {@code null}
 * @param slowBody time over which each API response body is dribbled out, zero for normal bodies
 */
public record FaultSettings(
        LatencySpec latency,
        Map<Integer, Double> errorRates,
        Duration retryAfter,
        Instant outageStart,
        Instant outageEnd,
        Duration slowBody) {

    /** No faults. */
    public static final FaultSettings NONE =
            new FaultSettings(LatencySpec.NONE, Map.of(), Duration.ofSeconds(1), null, null, Duration.ZERO);

    /** Checks rates and durations and sorts the rates by status. */
    public FaultSettings {
        if (latency == null) {
            latency = LatencySpec.NONE;
        }
        double total = 0;
        Map<Integer, Double> sorted = new TreeMap<>();
        for (Map.Entry<Integer, Double> rate :
                (errorRates == null ? Map.<Integer, Double>of() : errorRates).entrySet()) {
            int status = rate.getKey();
            double value = rate.getValue();
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("an injected error must be a 4xx or 5xx status, not " + status);
            }
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("error rate for " + status + " must be in [0, 1]");
            }
            if (value > 0) {
                sorted.put(status, value);
                total += value;
            }
        }
        if (total > 1.0 + 1e-9) {
            throw new IllegalArgumentException("error rates add up to more than 1: " + total);
        }
        errorRates = Map.copyOf(sorted);
        retryAfter = retryAfter == null ? Duration.ofSeconds(1) : retryAfter;
        slowBody = slowBody == null ? Duration.ZERO : slowBody;
        if (retryAfter.isNegative() || slowBody.isNegative()) {
            throw new IllegalArgumentException("retryAfter and slowBody must not be negative");
        }
        if ((outageStart == null) != (outageEnd == null) || (outageStart != null && outageEnd.isBefore(outageStart))) {
            throw new IllegalArgumentException("an outage needs a start and an end after it");
        }
    }

    /** A copy with this added latency. */
    public FaultSettings withLatency(LatencySpec value) {
        return new FaultSettings(value, errorRates, retryAfter, outageStart, outageEnd, slowBody);
    }

    /** A copy with this probability of answering {@code status}. */
    public FaultSettings withErrorRate(int status, double rate) {
        Map<Integer, Double> rates = new TreeMap<>(errorRates);
        rates.put(status, rate);
        return new FaultSettings(latency, rates, retryAfter, outageStart, outageEnd, slowBody);
    }

    /** A copy with these error rates replacing all others. */
    public FaultSettings withErrorRates(Map<Integer, Double> rates) {
        return new FaultSettings(latency, rates, retryAfter, outageStart, outageEnd, slowBody);
    }

    /** A copy with this {@code Retry-After}. */
    public FaultSettings withRetryAfter(Duration value) {
        return new FaultSettings(latency, errorRates, value, outageStart, outageEnd, slowBody);
    }

    /** A copy with an outage from {@code start} to {@code end}. */
    public FaultSettings withOutage(Instant start, Instant end) {
        return new FaultSettings(latency, errorRates, retryAfter, start, end, slowBody);
    }

    /** A copy without an outage. */
    public FaultSettings withoutOutage() {
        return new FaultSettings(latency, errorRates, retryAfter, null, null, slowBody);
    }

    /** A copy whose API bodies are dribbled out over {@code value}. */
    public FaultSettings withSlowBody(Duration value) {
        return new FaultSettings(latency, errorRates, retryAfter, outageStart, outageEnd, value);
    }

    /** Whether {@code now} falls in the outage window. */
    public boolean inOutage(Instant now) {
        return outageStart != null && !now.isBefore(outageStart) && now.isBefore(outageEnd);
    }
}
