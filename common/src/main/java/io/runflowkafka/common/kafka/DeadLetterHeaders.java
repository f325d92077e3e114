package io.runflowkafka.common.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The one header convention of every dead letter the project writes, processor's and sink's alike. Where the
 * record came from and what failed use Kafka Streams' own names (KIP-1034), so a dead letter written by Kafka
 * Streams itself reads the same; the rest are the project's, under {@code runflow.errors.}.
 *
 * <p>A dead letter keeps its original key and value. The sink also keeps the record's own headers and adds these;
 * the processor's dead letters carry these alone.
 */
public final class DeadLetterHeaders {

    /** The exception's class name, or a short code ({@code UrlsExpired}). Kafka Streams' name. */
    public static final String EXCEPTION = "__streams.errors.exception";
    /** Why, in a sentence (URLs redacted). Kafka Streams' name. */
    public static final String MESSAGE = "__streams.errors.message";
    /** The topic the record was read from: where a replay sends it. Kafka Streams' name. */
    public static final String TOPIC = "__streams.errors.topic";
    /** Its partition. Kafka Streams' name. */
    public static final String PARTITION = "__streams.errors.partition";
    /** Its offset. Kafka Streams' name. */
    public static final String OFFSET = "__streams.errors.offset";
    /** The stage that failed: {@code deserialize}, {@code score}, {@code submit}, {@code download}, ... */
    public static final String STAGE = "runflow.errors.stage";
    /** How many calls were made for it before giving up (0 when none). */
    public static final String ATTEMPTS = "runflow.errors.attempts";
    /** The service that dead-lettered it: {@code processor}, {@code storage-sink}. */
    public static final String SERVICE = "runflow.errors.service";
    /** When it was given up (ISO-8601). */
    public static final String FAILED_AT = "runflow.errors.failed-at";

    /** The names the storage sink wrote before it followed this convention (until 2026-12-07), by their new names. */
    private static final Map<String, String> LEGACY_SINK_NAMES = Map.of(
            EXCEPTION, "dlq.error.class",
            MESSAGE, "dlq.error.message",
            TOPIC, "dlq.source.topic",
            PARTITION, "dlq.source.partition",
            OFFSET, "dlq.source.offset",
            STAGE, "dlq.error.stage",
            SERVICE, "dlq.service",
            FAILED_AT, "dlq.failed.at");

    private DeadLetterHeaders() {}

    /**
     * What failed, and where the record came from; {@code attempts} and {@code failedAt} may be null (unknown:
     * their headers are left out).
     */
    public record Failure(
            String service,
            String stage,
            String exception,
            String message,
            Integer attempts,
            String topic,
            int partition,
            long offset,
            Instant failedAt) {}

    /** Adds {@code failure}'s headers to {@code headers} (the record's own, kept) and returns them. */
    public static Headers add(Headers headers, Failure failure) {
        headers.add(EXCEPTION, bytes(failure.exception()));
        headers.add(MESSAGE, bytes(failure.message()));
        headers.add(TOPIC, bytes(failure.topic()));
        headers.add(PARTITION, bytes(Integer.toString(failure.partition())));
        headers.add(OFFSET, bytes(Long.toString(failure.offset())));
        headers.add(STAGE, bytes(failure.stage()));
        if (failure.attempts() != null) {
            headers.add(ATTEMPTS, bytes(Integer.toString(failure.attempts())));
        }
        headers.add(SERVICE, bytes(failure.service()));
        if (failure.failedAt() != null) {
            headers.add(FAILED_AT, bytes(failure.failedAt().toString()));
        }
        return headers;
    }

    /** A header as UTF-8 text (the last one of that name), or null when absent. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * A dead letter's header {@code name} (one of this class's), or, for a dead letter the sink wrote before this
     * convention, the same fact under its older name: dead letters already on users' topics still read (and
     * replay) the same. Null when neither is there.
     */
    public static String read(Headers headers, String name) {
        String value = text(headers, name);
        String legacy = LEGACY_SINK_NAMES.get(name);
        return value != null || legacy == null ? value : text(headers, legacy);
    }

    /** The topic a dead letter came from, where a replay sends it back (older sink dead letters included). */
    public static Optional<String> sourceTopic(Headers headers) {
        return Optional.ofNullable(read(headers, TOPIC)).filter(t -> !t.isBlank());
    }

    private static byte[] bytes(String value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
