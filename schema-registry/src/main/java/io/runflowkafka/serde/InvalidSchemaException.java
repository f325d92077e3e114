package io.runflowkafka.serde;

/** The registry rejected a request as invalid (HTTP 422), for example a schema it cannot parse (error code 42201). */
public final class InvalidSchemaException extends SchemaRegistryException {

    /** Creates the exception with the registry's error code. */
    public InvalidSchemaException(String message, int errorCode) {
        super(message, 422, errorCode);
    }
}
