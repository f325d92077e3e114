package io.runflowkafka.serde;

import java.util.Locale;
import java.util.Optional;

/**
 * A subject's compatibility rule, as Confluent Schema Registry names them: which earlier versions a new schema is
 * checked against (the latest, or all of them for the transitive levels) and in which direction.
 */
public enum CompatibilityLevel {
    /** No check. */
    NONE(false, false, false),
    /** The new schema can read data written with the latest version (the default). */
    BACKWARD(true, false, false),
    /** The new schema can read data written with every earlier version. */
    BACKWARD_TRANSITIVE(true, false, true),
    /** The latest version can read data written with the new schema. */
    FORWARD(false, true, false),
    /** Every earlier version can read data written with the new schema. */
    FORWARD_TRANSITIVE(false, true, true),
    /** Both BACKWARD and FORWARD against the latest version. */
    FULL(true, true, false),
    /** Both BACKWARD and FORWARD against every earlier version. */
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read what earlier versions wrote. */
    public boolean backward() {
        return backward;
    }

    /** Whether earlier versions must read what the new schema writes. */
    public boolean forward() {
        return forward;
    }

    /** Whether the check covers every earlier version rather than only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /** Parses a level name, ignoring case as Confluent does; empty for anything else. */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
