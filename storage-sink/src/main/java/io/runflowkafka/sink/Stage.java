package io.runflowkafka.sink;

import java.util.Locale;

/** Where in the handling of an event something went wrong; carried in the DLQ headers and metric tags. */
public enum Stage {
    /** The record's bytes are not a HeadshotsCompleted. */
    DECODE,
    /** The event is malformed: an id that is not a UUID, no or too many image URLs. */
    VALIDATE,
    /** An image URL or its address was refused by the URL policy. */
    URL_POLICY,
    /** The image URLs had expired (past expires_at, or answered 403/404/410). */
    EXPIRED,
    /** A response was not an acceptable image (size, type, magic bytes, status). */
    CONTENT,
    /** Downloading failed transiently. */
    DOWNLOAD,
    /** The archive back end failed. */
    ARCHIVE;

    /** The error code a dead letter from this stage carries when no exception class names it better. */
    public String errorCode() {
        return switch (this) {
            case DECODE -> "UndecodableRecord";
            case VALIDATE -> "InvalidEvent";
            case URL_POLICY -> "UrlRefused";
            case EXPIRED -> "UrlsExpired";
            case CONTENT -> "InvalidImage";
            case DOWNLOAD -> "DownloadFailed";
            case ARCHIVE -> "ArchiveConflict";
        };
    }

    /** The name used in headers and tags, e.g. {@code url-policy}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
