package io.runflowkafka.processor.gate;

import io.runflowkafka.processor.calls.CallSettings;
import java.util.Objects;

/**
 * How the quality gate behaves.
 *
 * @param threshold a score at or above it is accepted
 * @param ordered one call in flight per order (key), in input order; false scores a key's uploads concurrently
 * @param calls how score calls are held, drained and retried (the same as the headshot orders' submissions)
 */
public record GateSettings(double threshold, boolean ordered, CallSettings calls) {

    public GateSettings {
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
        }
        Objects.requireNonNull(calls, "calls");
    }
}
