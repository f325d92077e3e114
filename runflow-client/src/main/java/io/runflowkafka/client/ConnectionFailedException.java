package io.runflowkafka.client;

/**
 * The exchange failed below HTTP: connection refused or reset, DNS or TLS failure, or the client's own
 * request queue was full. Retryable.
 */
public final class ConnectionFailedException extends RunflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param cause the underlying failure
     */
    public ConnectionFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
