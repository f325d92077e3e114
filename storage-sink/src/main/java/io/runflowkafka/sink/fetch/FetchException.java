package io.runflowkafka.sink.fetch;

/**
 * A download that did not yield a verified image, with its {@link Kind}: transient failures are retried,
 * the others dead-letter the event with {@link #getMessage()} as the reason (which never holds a secret:
 * URLs in it are redacted).
 */
public final class FetchException extends Exception {

    /** What kind of failure it is, which decides between retrying and dead-lettering. */
    public enum Kind {
        /** 5xx, 408, 429, a time-out, a reset or refused connection, a failed name lookup or TLS handshake: retry. */
        TRANSIENT,
        /** 403, 404 or 410: the URL has expired or is gone; retrying cannot help. */
        GONE,
        /** The URL policy refused the URL, the address it resolves to, or a redirect. */
        REFUSED,
        /** The response is not an acceptable image: too large, wrong type or magic bytes, or an unexpected status. */
        INVALID;

        /** Whether retrying could ever succeed. */
        public boolean retryable() {
            return this == TRANSIENT;
        }
    }

    private final Kind kind;
    private final int status;

    /** A failure without an HTTP status. */
    public FetchException(Kind kind, String message, Throwable cause) {
        this(kind, 0, message, cause);
    }

    /** A failure with the HTTP status that caused it ({@code 0} when there was none). */
    public FetchException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    /** The kind of failure. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status that caused it, or {@code 0}. */
    public int status() {
        return status;
    }
}
