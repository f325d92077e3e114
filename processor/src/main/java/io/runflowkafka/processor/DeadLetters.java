package io.runflowkafka.processor;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers of a dead-lettered record. The first six are the names Kafka Streams' own dead-letter
 * records carry (KIP-1034), so one DLQ topic holds records of both origins in one format.
 */
public final class DeadLetters {

    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** Where it failed: {@code deserialize}, {@code score}, {@code submit}. */
    public static final String STAGE = "runflow.errors.stage";
    /** How many calls to Runflow were made for it (0 when none). */
    public static final String ATTEMPTS = "runflow.errors.attempts";

    private DeadLetters() {}

    /** The headers of a record that failed at {@code stage} after {@code attempts} calls. */
    public static Headers headers(
            Throwable failure, String stage, int attempts, String topic, int partition, long offset) {
        Headers headers = new RecordHeaders();
        headers.add(EXCEPTION, bytes(failure.getClass().getName()));
        headers.add(MESSAGE, bytes(String.valueOf(failure.getMessage())));
        headers.add(TOPIC, bytes(topic));
        headers.add(PARTITION, bytes(Integer.toString(partition)));
        headers.add(OFFSET, bytes(Long.toString(offset)));
        headers.add(STAGE, bytes(stage));
        headers.add(ATTEMPTS, bytes(Integer.toString(attempts)));
        return headers;
    }

    /** Reads a header as UTF-8 text, or null when absent. */
    public static String text(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
