package io.runflowkafka.sink;

/**
 * Why one image of an event was not archived.
 *
 * @param stage where it failed
 * @param retryable whether a later attempt of the event may archive it
 * @param reason a sentence a human can act on (URL redacted)
 */
record ImageFailure(Stage stage, boolean retryable, String reason) {

    /** Ends the tries of one image with its failure. */
    static final class Failed extends Exception {
        private final transient ImageFailure failure;

        Failed(ImageFailure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }

        ImageFailure failure() {
            return failure;
        }
    }
}
