package io.runflowkafka.testkit;

import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Bounded waits that name what they wait for, so a time-out reads as "Condition with alias 'order 42 on
 * photos.accepted' didn't complete within 30 seconds" instead of a bare failure.
 */
public final class Waits {

    /** Long enough for a slow, shared CI machine; short enough that a stuck test fails within the suite budget. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Often enough to keep tests quick, rarely enough not to load the broker. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private Waits() {}

    /**
     * An Awaitility wait for {@code what}, bounded by {@link #DEFAULT_TIMEOUT}; add {@code .ignoreExceptions()}
     * when the probe is expected to throw until the condition holds (a broker that is still coming up).
     */
    public static ConditionFactory await(String what) {
        return await(what, DEFAULT_TIMEOUT);
    }

    /** An Awaitility wait for {@code what}, bounded by {@code atMost}. */
    public static ConditionFactory await(String what, Duration atMost) {
        Objects.requireNonNull(what, "what");
        // Conditions often poll a KafkaConsumer, which must stay on the thread that owns it.
        return Awaitility.await(what)
                .pollInSameThread()
                .atMost(atMost)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL);
    }
}
