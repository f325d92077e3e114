package io.runflowkafka.sink.fetch;

import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.sink.url.CheckedUrl;
import java.time.Duration;

/**
 * An image downloaded and verified: its bytes, the type its magic bytes and {@code Content-Type} agree on,
 * and its SHA-256.
 *
 * @param url where it came from
 * @param content the body, exactly as received (never logged)
 * @param type the verified format
 * @param sha256 lowercase hex SHA-256 of {@code content}
 * @param elapsed how long the download took
 */
public record FetchedImage(CheckedUrl url, byte[] content, ImageType type, String sha256, Duration elapsed) {

    /** Size in bytes. */
    public long size() {
        return content.length;
    }

    @Override
    public String toString() {
        return "FetchedImage[" + url.redacted() + ", " + type + ", " + content.length + " bytes, sha256=" + sha256
                + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FetchedImage image && image.url.equals(url) && image.sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }
}
