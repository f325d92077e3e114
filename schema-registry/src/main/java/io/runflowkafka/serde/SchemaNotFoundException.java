package io.runflowkafka.serde;

/** The registry does not know the schema: an unknown id, or a schema not registered under the subject (error code 40403). */
public final class SchemaNotFoundException extends SchemaRegistryException {

    /** Error code the Confluent Schema Registry uses for an unknown schema. */
    public static final int ERROR_CODE = 40403;

    /** Creates the exception; {@code httpStatus} is normally 404. */
    public SchemaNotFoundException(String message, int httpStatus) {
        super(message, httpStatus, ERROR_CODE);
    }
}
