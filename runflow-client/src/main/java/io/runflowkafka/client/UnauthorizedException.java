package io.runflowkafka.client;

/** Runflow answered 401: the API key is missing, wrong or revoked; a configuration fault, never retried. */
public final class UnauthorizedException extends RunflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     */
    public UnauthorizedException(String message) {
        super(message, null);
    }

    /** HTTP status of the response, always 401. */
    public int status() {
        return 401;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
