package io.runflowkafka.processor.gate;

/**
 * What the quality gate forwards for one upload: exactly one of these, and the topology sends each kind to its
 * topic. The values are bytes already encoded for that topic, so that a registry failure holds the answer in the
 * processor instead of failing in a sink (see {@code OutputEncoder}).
 */
sealed interface GateOutcome {

    /** Scored at or above the threshold: the {@code ScoredUpload}, encoded for the accepted topic. */
    record Accepted(byte[] scoredUpload) implements GateOutcome {}

    /** Scored below the threshold: the {@code ScoredUpload} with Runflow's tips, encoded for the retake topic. */
    record Retake(byte[] scoredUpload) implements GateOutcome {}

    /**
     * The upload itself is bad (undecodable, an unusable image URI, refused by Runflow): its original value bytes;
     * the reason is in the record's headers ({@code DeadLetters}).
     */
    record DeadLetter(byte[] upload) implements GateOutcome {}
}
