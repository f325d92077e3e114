package io.runflowkafka.serde;

import org.apache.kafka.common.KafkaException;

/**
 * A Schema Registry call failed; subclasses name the cause so callers can tell an outage from a refused schema.
 * Messages name the subject, schema or URL involved and never carry credentials.
 */
public class SchemaRegistryException extends KafkaException {

    private final int httpStatus;
    private final int errorCode;

    /** An error the registry answered with an HTTP status and, when it sent one, its error code (else 0). */
    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** An error with no HTTP answer behind it (for example a response that could not be parsed). */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.errorCode = 0;
    }

    /** The HTTP status the registry answered with, or 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's error code (for example 40401), or 0 when it sent none. */
    public int errorCode() {
        return errorCode;
    }
}
