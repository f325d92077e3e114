package io.runflowkafka.sink.archive;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The archive layout: {@code headshots/{headshots_id}/{NNN}.{ext}} for images (NNN is the 1-based position in
 * the completion's image_urls, zero-padded to three digits) and {@code headshots/{headshots_id}/manifest.json}.
 * Keys are deterministic, so a redelivered event lands on the same keys.
 */
public final class ArchiveKeys {

    /** Largest number of images an event may carry: NNN has three digits. */
    public static final int MAX_IMAGES = 999;

    // Runflow ids are UUIDs; checking the canonical form keeps path tricks ("..", "/") out of keys.
    // UUID.fromString is not used: it accepts forms like 1-2-3-4-5.
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private ArchiveKeys() {}

    /** Whether {@code headshotsId} is a canonical UUID (either case), the only form used in keys. */
    public static boolean isValidHeadshotsId(String headshotsId) {
        return headshotsId != null
                && CANONICAL_UUID.matcher(headshotsId.toLowerCase(Locale.ROOT)).matches();
    }

    /** The folder of a job: {@code headshots/{id}} (id in lower case). */
    public static String jobPrefix(String headshotsId) {
        requireValid(headshotsId);
        return "headshots/" + headshotsId.toLowerCase(Locale.ROOT);
    }

    /** The key of the image at 1-based {@code index}. */
    public static String image(String headshotsId, int index, String extension) {
        if (index < 1 || index > MAX_IMAGES) {
            throw new IllegalArgumentException("image index out of range: " + index);
        }
        // Three digits by hand: String.format builds a Formatter and looks up locale symbols for every image.
        char[] digits = {(char) ('0' + index / 100), (char) ('0' + index / 10 % 10), (char) ('0' + index % 10)};
        return jobPrefix(headshotsId) + "/" + new String(digits) + "." + extension;
    }

    /** The key of a job's manifest, written after all its images. */
    public static String manifest(String headshotsId) {
        return jobPrefix(headshotsId) + "/manifest.json";
    }

    private static void requireValid(String headshotsId) {
        if (!isValidHeadshotsId(headshotsId)) {
            throw new IllegalArgumentException("headshots id is not a canonical UUID");
        }
    }
}
