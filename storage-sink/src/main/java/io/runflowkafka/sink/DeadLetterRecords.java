package io.runflowkafka.sink;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter record of a completion event: the original key, value and headers, unchanged, plus the
 * project's dead-letter headers ({@link DeadLetterHeaders}, the processor's too) saying what failed, where, and
 * which record it was, so the event can be inspected and replayed ({@code runflow-kafka dlq replay}).
 */
public final class DeadLetterRecords {

    private static final int MAX_MESSAGE_CHARS = 4_000;

    private DeadLetterRecords() {}

    /** The record to write to {@code dlqTopic} for {@code source}. */
    public static ProducerRecord<byte[], byte[]> of(
            String dlqTopic, ConsumerRecord<byte[], byte[]> source, Outcome.DeadLetter failure, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : source.headers()) {
            headers.add(header);
        }
        String message = failure.reason().length() > MAX_MESSAGE_CHARS
                ? failure.reason().substring(0, MAX_MESSAGE_CHARS) + "…"
                : failure.reason();
        DeadLetterHeaders.add(
                headers,
                new DeadLetterHeaders.Failure(
                        "storage-sink",
                        failure.stage().label(),
                        failure.errorClass(),
                        message,
                        null,
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        now));
        return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
    }
}
