package io.runflowkafka.client;

/** Runflow answered 403: the key is valid but lacks the scope for this call (e.g. a read-only key); never retried. */
public final class ForbiddenException extends RunflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     */
    public ForbiddenException(String message) {
        super(message, null);
    }

    /** HTTP status of the response, always 403. */
    public int status() {
        return 403;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
