package io.runflowkafka.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The emulator's current {@link FaultSettings}, changeable while it runs (from Java or the admin endpoint). */
public final class Faults {

    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    /** What to do to one request. */
    record Plan(boolean outage, int injectedStatus, Duration latency, Duration slowBody, Duration retryAfter) {}

    private final AtomicReference<FaultSettings> current;
    private final Clock clock;

    Faults(FaultSettings initial, Clock clock) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
        this.clock = clock;
    }

    /** The settings in force. */
    public FaultSettings current() {
        return current.get();
    }

    /** Replaces the settings. */
    public void set(FaultSettings settings) {
        current.set(Objects.requireNonNull(settings, "settings"));
        LOG.info("Faults now {}", settings);
    }

    /** Changes the settings atomically and returns the new ones. */
    public FaultSettings update(UnaryOperator<FaultSettings> change) {
        FaultSettings updated = current.updateAndGet(change);
        LOG.info("Faults now {}", updated);
        return updated;
    }

    /** Removes every fault. */
    public void reset() {
        set(FaultSettings.NONE);
    }

    /** Sets the added latency. */
    public void latency(LatencySpec latency) {
        update(f -> f.withLatency(latency));
    }

    /** Sets the probability of answering {@code status}. */
    public void errorRate(int status, double rate) {
        update(f -> f.withErrorRate(status, rate));
    }

    /** Starts an outage now that lasts {@code duration}. */
    public void outageFor(Duration duration) {
        update(f -> f.withOutage(clock.instant(), clock.instant().plus(duration)));
    }

    /** Ends any outage now. */
    public void endOutage() {
        update(FaultSettings::withoutOutage);
    }

    /** Dribbles API bodies out over {@code duration} (zero to stop). */
    public void slowBody(Duration duration) {
        update(f -> f.withSlowBody(duration));
    }

    Plan plan(boolean apiCall) {
        FaultSettings settings = current.get();
        if (settings.inOutage(clock.instant())) {
            return new Plan(true, 503, Duration.ZERO, Duration.ZERO, settings.retryAfter());
        }
        if (!apiCall) {
            return new Plan(false, 0, Duration.ZERO, Duration.ZERO, settings.retryAfter());
        }
        RandomGenerator random = ThreadLocalRandom.current();
        int injected = 0;
        if (!settings.errorRates().isEmpty()) {
            double draw = random.nextDouble();
            double cumulative = 0;
            for (Map.Entry<Integer, Double> rate : settings.errorRates().entrySet()) {
                cumulative += rate.getValue();
                if (draw < cumulative) {
                    injected = rate.getKey();
                    break;
                }
            }
        }
        Duration latency =
                settings.latency().isNone() ? Duration.ZERO : settings.latency().sample(random);
        return new Plan(false, injected, latency, settings.slowBody(), settings.retryAfter());
    }
}
