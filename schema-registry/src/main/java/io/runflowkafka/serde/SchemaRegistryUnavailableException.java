package io.runflowkafka.serde;

/**
 * No configured Schema Registry URL answered usefully (connection refused, time-out, 5xx); the message lists every URL tried.
 * This is an outage, not a data problem: it is deliberately not a {@code SerializationException}, so a dead-letter handler
 * does not dead-letter records because the registry is down.
 */
public final class SchemaRegistryUnavailableException extends SchemaRegistryException {

    /** Creates the exception; {@code cause} is the last failure seen. */
    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
