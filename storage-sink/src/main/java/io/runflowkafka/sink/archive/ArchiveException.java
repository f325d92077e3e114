package io.runflowkafka.sink.archive;

/**
 * The archive back end could not read or write: a disk, permission or S3 failure. The sink treats it as
 * transient: it pauses, retries, and moves no offset meanwhile.
 */
public final class ArchiveException extends Exception {

    /** A failure on {@code key}; the message never holds credentials. */
    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
