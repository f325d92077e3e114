package io.runflowkafka.client;

/** A call did not complete in time (connect, idle or total time-out, or a 408 from the server); retryable. */
public final class RunflowTimeoutException extends RunflowException {

    private static final long serialVersionUID = 1L;

    /** Which time-out fired. */
    public enum Kind {
        /** The TCP/TLS connection was not established within the connect time-out. */
        CONNECT,
        /** No bytes moved for longer than the request (idle) time-out. */
        IDLE,
        /** The whole exchange, queueing included, exceeded the total time-out. */
        TOTAL,
        /** The server itself gave up waiting for the request (HTTP 408). */
        SERVER
    }

    private final Kind kind;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param kind which time-out fired
     * @param cause the underlying failure, or {@code null}
     */
    public RunflowTimeoutException(String message, Kind kind, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Which time-out fired. */
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
