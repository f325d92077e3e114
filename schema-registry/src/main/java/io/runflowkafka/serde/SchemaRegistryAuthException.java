package io.runflowkafka.serde;

/** The registry refused the credentials (401) or the permission (403): a configuration fault, not a data problem. */
public final class SchemaRegistryAuthException extends SchemaRegistryException {

    /** Creates the exception for the given HTTP status (401 or 403) and registry error code. */
    public SchemaRegistryAuthException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
