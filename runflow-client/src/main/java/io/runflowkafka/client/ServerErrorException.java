package io.runflowkafka.client;

import java.time.Duration;
import java.util.Optional;

/** Runflow answered 5xx: a transient fault on its side, retryable except for 501 and 505. */
public final class ServerErrorException extends RunflowException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param status the HTTP status (500-599)
     * @param retryAfter the server's {@code Retry-After} (often sent with 503), or {@code null}
     */
    public ServerErrorException(String message, int status, Duration retryAfter) {
        super(message, null);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** HTTP status of the response. */
    public int status() {
        return status;
    }

    /** How long the server asked the caller to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean isRetryable() {
        // Not Implemented and HTTP Version Not Supported will not change by waiting.
        return status != 501 && status != 505;
    }
}
