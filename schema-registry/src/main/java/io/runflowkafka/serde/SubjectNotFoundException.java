package io.runflowkafka.serde;

/** The registry has no such subject (error code 40401), typically because nothing was registered for the topic yet. */
public final class SubjectNotFoundException extends SchemaRegistryException {

    /** Error code the Confluent Schema Registry uses for an unknown subject. */
    public static final int ERROR_CODE = 40401;

    /** Creates the exception; {@code httpStatus} is normally 404. */
    public SubjectNotFoundException(String message, int httpStatus) {
        super(message, httpStatus, ERROR_CODE);
    }
}
