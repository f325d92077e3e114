package io.runflowkafka.processor.orders;

/** What the submitter forwards for one submission: the job Runflow accepted, or the dead letter of a refusal. */
sealed interface SubmissionOutcome {

    /** Runflow accepted the job; the value is the {@code HeadshotJob}, encoded for its topic. */
    record Accepted(byte[] job) implements SubmissionOutcome {}

    /** Runflow refused the job for good; the value is the request in JSON, the reason is in the headers. */
    record Refused(byte[] deadLetter) implements SubmissionOutcome {}
}
