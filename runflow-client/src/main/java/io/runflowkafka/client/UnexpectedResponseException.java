package io.runflowkafka.client;

/**
 * Runflow answered something this client cannot use: a redirect, a success body that is not the
 * documented JSON, or a body larger than the configured limit. Not retryable.
 */
public final class UnexpectedResponseException extends RunflowException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param status the HTTP status, or 0 when no status was received
     * @param cause the underlying failure, or {@code null}
     */
    public UnexpectedResponseException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** HTTP status of the response, or 0 when none was received. */
    public int status() {
        return status;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
