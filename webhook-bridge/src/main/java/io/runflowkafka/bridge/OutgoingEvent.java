package io.runflowkafka.bridge;

import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;

/**
 * One event the bridge is about to write: where, under which key, what, and the id a log line should name.
 *
 * @param topic the Kafka topic
 * @param key the record key (headshots id or run id)
 * @param value the Avro event
 * @param deliveryId the callback delivery id the event carries
 * @param trace the span the event is written under, as the record's {@code traceparent}; invalid: none
 */
record OutgoingEvent(String topic, String key, GenericRecord value, String deliveryId, SpanContext trace) {

    /** Requires every part. */
    public OutgoingEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(trace, "trace");
    }

    /** An event not traced yet (the parsers make these; the handler adds the trace). */
    OutgoingEvent(String topic, String key, GenericRecord value, String deliveryId) {
        this(topic, key, value, deliveryId, SpanContext.getInvalid());
    }

    /** This event, written under {@code span}. */
    OutgoingEvent tracedBy(SpanContext span) {
        return new OutgoingEvent(topic, key, value, deliveryId, span);
    }
}
