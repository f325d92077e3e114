package io.runflowkafka.processor.async;

import org.apache.kafka.common.KafkaException;

/**
 * An answer's output record cannot be written now (the schema registry is unreachable), and nothing of it was
 * forwarded. {@link AsyncCallEngine} keeps the answer and its pending call, and tries again after a backoff: an
 * outage holds the work, it never dead-letters it.
 */
public final class OutputUnavailableException extends KafkaException {

    public OutputUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
