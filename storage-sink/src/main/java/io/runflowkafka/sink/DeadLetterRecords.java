package io.runflowkafka.sink;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter record of a completion event: the original key, value and headers, unchanged, plus
 * headers saying what failed, where, and which record it was, so the event can be inspected and replayed.
 */
public final class DeadLetterRecords {

    /** Header: the stage that failed, e.g. {@code url-policy}. */
    public static final String STAGE = "dlq.error.stage";
    /** Header: the error class (an exception class name or a short code such as {@code UrlsExpired}). */
    public static final String ERROR_CLASS = "dlq.error.class";
    /** Header: the reason, a sentence with URLs redacted. */
    public static final String ERROR_MESSAGE = "dlq.error.message";
    /** Header: the topic the record was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** Header: its partition. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** Header: its offset. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** Header: when the sink gave up on it (ISO-8601). */
    public static final String FAILED_AT = "dlq.failed.at";
    /** Header: the service that dead-lettered it. */
    public static final String SERVICE = "dlq.service";

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
        headers.add(STAGE, utf8(failure.stage().label()));
        headers.add(ERROR_CLASS, utf8(failure.errorClass()));
        headers.add(ERROR_MESSAGE, utf8(message));
        headers.add(SOURCE_TOPIC, utf8(source.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        headers.add(FAILED_AT, utf8(now.toString()));
        headers.add(SERVICE, utf8("storage-sink"));
        return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
