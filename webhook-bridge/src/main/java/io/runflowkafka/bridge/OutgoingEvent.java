package io.runflowkafka.bridge;

import java.util.Objects;
import org.apache.avro.generic.GenericRecord;

/**
 * One event the bridge is about to write: where, under which key, what, and the id a log line should name.
 *
 * @param topic the Kafka topic
 * @param key the record key (headshots id or run id)
 * @param value the Avro event
 * @param deliveryId the callback delivery id the event carries
 */
record OutgoingEvent(String topic, String key, GenericRecord value, String deliveryId) {

    /** Requires every part. */
    public OutgoingEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(deliveryId, "deliveryId");
    }
}
