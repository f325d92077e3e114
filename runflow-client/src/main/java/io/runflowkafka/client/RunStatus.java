package io.runflowkafka.client;

import java.util.Locale;

/** The {@code status_code} of a Model API run; {@link #isTerminal()} says when polling can stop. */
public enum RunStatus {
    /** Accepted, waiting for capacity. */
    QUEUED,
    /** Being processed. */
    RUNNING,
    /** Finished with an output. */
    SUCCEEDED,
    /** Finished with an error. */
    FAILED,
    /** Stopped before finishing. */
    CANCELED,
    /** A status this client does not know; treated as not terminal. */
    UNKNOWN;

    /** Whether the run will not change any more. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** The wire form, e.g. {@code "succeeded"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a wire {@code status_code}; unknown values (and the British "cancelled") map leniently.
     *
     * @param statusCode the value from the API, may be {@code null}
     * @return the status, {@link #UNKNOWN} when not recognised
     */
    public static RunStatus fromWire(String statusCode) {
        if (statusCode == null) {
            return UNKNOWN;
        }
        return switch (statusCode.trim().toLowerCase(Locale.ROOT)) {
            case "queued", "pending", "starting" -> QUEUED;
            case "running", "processing" -> RUNNING;
            case "succeeded", "success", "completed" -> SUCCEEDED;
            case "failed", "error" -> FAILED;
            case "canceled", "cancelled" -> CANCELED;
            default -> UNKNOWN;
        };
    }
}
