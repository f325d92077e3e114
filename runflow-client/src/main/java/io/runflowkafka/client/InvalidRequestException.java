package io.runflowkafka.client;

/**
 * Runflow refused the request itself (a 4xx other than 401, 403, 408 and 429): a bad image, a missing
 * field, an unknown run. Sending it again cannot succeed.
 */
public final class InvalidRequestException extends RunflowException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String serverMessage;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param status the HTTP status
     * @param serverMessage the server's explanation, possibly empty
     */
    public InvalidRequestException(String message, int status, String serverMessage) {
        super(message, null);
        this.status = status;
        this.serverMessage = serverMessage == null ? "" : serverMessage;
    }

    /** HTTP status of the response. */
    public int status() {
        return status;
    }

    /** The server's explanation of what is wrong with the request, possibly empty. */
    public String serverMessage() {
        return serverMessage;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
