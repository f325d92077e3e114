package io.runflowkafka.sink.archive;

import java.time.Instant;

/**
 * An object already in the archive.
 *
 * @param key its key, relative to the archive root
 * @param sizeBytes its size
 * @param sha256 lowercase hex SHA-256 of its bytes
 * @param lastModified when it was written
 */
public record StoredObject(String key, long sizeBytes, String sha256, Instant lastModified) {

    /** Whether this object holds exactly the bytes described by {@code size} and {@code sha256}. */
    public boolean matches(long size, String sha256) {
        return sizeBytes == size && this.sha256.equalsIgnoreCase(sha256);
    }
}
