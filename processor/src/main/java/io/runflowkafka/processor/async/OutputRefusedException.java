package io.runflowkafka.processor.async;

import org.apache.kafka.common.KafkaException;

/**
 * An answer's output record can never be written as it is (the registry refused its schema, or it does not
 * encode), and nothing of it was forwarded. {@link AsyncCallEngine} keeps the answer's pending call for the next
 * start and halts the instance: a configuration fault, which no retry and no dead letter can fix.
 */
public final class OutputRefusedException extends KafkaException {

    public OutputRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
