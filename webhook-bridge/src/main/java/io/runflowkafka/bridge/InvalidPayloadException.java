package io.runflowkafka.bridge;

/**
 * A callback body that is not acceptable, naming the offending field. The message is written by the bridge
 * and never contains what the client sent, so it can go into an error body and a log line as it is.
 */
final class InvalidPayloadException extends Exception {

    private final String field;

    /**
     * @param field the JSON field at fault, e.g. {@code image_urls[3]}, or {@code body} for the whole body
     * @param problem what is wrong with it, in the bridge's own words
     */
    public InvalidPayloadException(String field, String problem) {
        super(field + " " + problem, null, false, false);
        this.field = field;
    }

    /** The JSON field at fault, or {@code body}. */
    public String field() {
        return field;
    }
}
