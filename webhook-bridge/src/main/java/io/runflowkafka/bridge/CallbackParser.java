package io.runflowkafka.bridge;

/** Turns one kind of verified Runflow callback into the event the bridge stores, validating it field by field. */
interface CallbackParser {

    /**
     * @param callback a callback that passed authentication
     * @return the event to write
     * @throws InvalidPayloadException naming the first field that is missing or wrong
     */
    OutgoingEvent parse(VerifiedCallback callback) throws InvalidPayloadException;
}
