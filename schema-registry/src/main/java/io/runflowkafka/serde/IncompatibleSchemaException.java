package io.runflowkafka.serde;

/** The registry refused to register a schema because it breaks the subject's compatibility rule (HTTP 409). */
public final class IncompatibleSchemaException extends SchemaRegistryException {

    /** Creates the exception with the registry's error code (409 for Confluent). */
    public IncompatibleSchemaException(String message, int errorCode) {
        super(message, 409, errorCode);
    }
}
