package io.runflowkafka.processor.async;

import org.apache.kafka.common.KafkaException;

/**
 * A call kept failing retryably past the give-up deadline while other calls succeeded: the fault is this call's
 * (its image, its URL), not an outage, so its record is dead-lettered instead of holding a slot for ever.
 */
public final class GaveUpException extends KafkaException {

    public GaveUpException(String message, Throwable lastFailure) {
        super(message, lastFailure);
    }
}
