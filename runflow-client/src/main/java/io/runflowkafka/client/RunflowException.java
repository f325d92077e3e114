package io.runflowkafka.client;

/**
 * Base of every failure the Runflow client reports; {@link #isRetryable()} tells a caller (or a
 * {@link RetryPolicy}) whether trying the same call again can succeed.
 *
 * <p>Messages name the operation (method and path) and the server's explanation, never the API key,
 * request bodies or image URLs (which may carry signed query strings).
 */
public abstract class RunflowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, free of secrets
     * @param cause the underlying failure, or {@code null}
     */
    protected RunflowException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same request may succeed if sent again later. */
    public abstract boolean isRetryable();
}
