package io.runflowkafka.processor.async;

/**
 * The final answer to one call, queued by an HTTP thread for the stream thread.
 *
 * @param result the answer, when the call succeeded
 * @param failure why the call failed for good, or null when it succeeded
 * @param halted true when calls were halted: the call is held, to be made again, not failed
 */
record CallAnswer<P, R>(CallEntry<P> entry, R result, Throwable failure, boolean halted) {

    static <P, R> CallAnswer<P, R> succeeded(CallEntry<P> entry, R result) {
        return new CallAnswer<>(entry, result, null, false);
    }

    static <P, R> CallAnswer<P, R> failed(CallEntry<P> entry, Throwable failure) {
        return new CallAnswer<>(entry, null, failure, false);
    }

    static <P, R> CallAnswer<P, R> halted(CallEntry<P> entry, Throwable failureOrNull) {
        return new CallAnswer<>(entry, null, failureOrNull, true);
    }
}
