package io.runflowkafka.client;

import java.time.Duration;
import java.util.Optional;

/** Runflow answered 429; retry after {@link #retryAfter()} when the server said how long to wait. */
public final class RateLimitedException extends RunflowException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param retryAfter the server's {@code Retry-After}, or {@code null} when it sent none
     */
    public RateLimitedException(String message, Duration retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    /** HTTP status of the response, always 429. */
    public int status() {
        return 429;
    }

    /** How long the server asked the caller to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
