package io.runflowkafka.sink.archive;

import java.util.Map;
import java.util.Optional;

/**
 * Where archived images and manifests are written: the local filesystem or S3-compatible object storage.
 * Every write is atomic (a reader sees the old object, or none, or the whole new one), which is what lets a
 * redelivered event keep complete objects and lets "manifest present" mean "job complete".
 */
public interface ArchiveStore extends AutoCloseable {

    /** The archive root that keys are relative to: {@code file:///path} or {@code s3://bucket/prefix}. */
    String uri();

    /** The object at {@code key} with its size and SHA-256, or empty when there is none. */
    Optional<StoredObject> find(String key) throws ArchiveException;

    /**
     * The objects directly under the folder {@code prefix} (e.g. {@code headshots/{id}}) with their sizes, in one
     * listing; lets a job skip a lookup per image when most of its images are not archived yet.
     */
    Map<String, Long> list(String prefix) throws ArchiveException;

    /** Writes {@code content} at {@code key} atomically, replacing any object there. */
    void write(String key, byte[] content, String sha256, String contentType) throws ArchiveException;

    /**
     * Writes {@code content} at {@code key} atomically unless an object is already there.
     *
     * @return false when an object was already there (it is left untouched)
     */
    boolean writeIfAbsent(String key, byte[] content, String sha256, String contentType) throws ArchiveException;

    /** The bytes at {@code key}, or empty when there is none. */
    Optional<byte[]> read(String key) throws ArchiveException;

    /**
     * Removes what interrupted writes left under {@code prefix} (temporary files of a crashed sink); object
     * stores, whose writes leave nothing behind, do nothing.
     */
    default void removeLeftovers(String prefix) throws ArchiveException {}

    /** Throws when the back end cannot be reached or written; used for readiness and recovery probes. */
    void probe() throws ArchiveException;

    @Override
    default void close() {}
}
