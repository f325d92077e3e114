package io.runflowkafka.sink;

import io.runflowkafka.schema.HeadshotsArchived;

/** What handling one completion event came to: archived, dead-lettered, or to be retried later. */
public sealed interface Outcome {

    /**
     * Every image and the manifest are in the archive.
     *
     * @param event the HeadshotsArchived to write
     * @param emit false when the job had already been archived from another record (a repeated completion),
     *     whose archived event was committed then: only the offset moves
     */
    record Archived(HeadshotsArchived event, boolean emit) implements Outcome {}

    /**
     * The event can never be archived; it goes to the DLQ with the reason.
     *
     * @param stage where it failed
     * @param errorClass what kind of error, for the DLQ header (an exception class name, or a short code)
     * @param reason a sentence a human can act on (URLs redacted, no secrets)
     */
    record DeadLetter(Stage stage, String errorClass, String reason) implements Outcome {

        /** A dead letter whose error class is the stage's own code. */
        public DeadLetter(Stage stage, String reason) {
            this(stage, stage.errorCode(), reason);
        }
    }

    /**
     * A transient failure: the event is retried after a backoff and its offset does not move meanwhile.
     *
     * @param stage where it failed
     * @param reason what failed
     */
    record Retry(Stage stage, String reason) implements Outcome {}
}
