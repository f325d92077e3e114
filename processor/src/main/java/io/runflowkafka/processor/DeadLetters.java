package io.runflowkafka.processor;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The processor's dead letters, in the project's one header convention ({@link DeadLetterHeaders}: Kafka
 * Streams' names for where the record came from and what failed, {@code runflow.errors.*} for the rest).
 */
public final class DeadLetters {

    private static final String SERVICE = "processor";

    private DeadLetters() {}

    /** The headers of a record that failed at {@code stage} after {@code attempts} calls. */
    public static Headers headers(
            Throwable failure, String stage, int attempts, String topic, int partition, long offset) {
        return DeadLetterHeaders.add(
                new RecordHeaders(),
                new DeadLetterHeaders.Failure(
                        SERVICE,
                        stage,
                        failure.getClass().getName(),
                        String.valueOf(failure.getMessage()),
                        attempts,
                        topic,
                        partition,
                        offset,
                        null));
    }

    /** Reads a header as UTF-8 text, or null when absent. */
    public static String text(Headers headers, String name) {
        return DeadLetterHeaders.text(headers, name);
    }
}
