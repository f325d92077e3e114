package io.runflowkafka.client;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runflow accepted a Generate Headshots job; its completion callback will carry the same id.
 *
 * @param headshotsId the job's id (a canonical, lower- or upper-case UUID string)
 */
public record HeadshotsSubmission(String headshotsId) {

    // UUID.fromString accepts "1-2-3-4-5" and non-ASCII digits, so the canonical form is checked by hand.
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Requires a canonical UUID. */
    public HeadshotsSubmission {
        Objects.requireNonNull(headshotsId, "headshotsId");
        if (!CANONICAL_UUID.matcher(headshotsId).matches()) {
            throw new IllegalArgumentException("headshots_id is not a canonical UUID");
        }
    }
}
