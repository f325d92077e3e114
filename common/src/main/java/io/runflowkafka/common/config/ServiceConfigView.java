package io.runflowkafka.common.config;

import java.util.Map;

/**
 * What every service's {@code …Config} shares: the loaded keys it alone reads, printed masked, and the client
 * properties that pass through to Kafka and the Schema Registry. Each service's subclass turns the keys into its
 * settings records.
 */
public abstract class ServiceConfigView {

    /** The loaded keys; only the subclass reads them. */
    protected final ServiceConfig config;

    protected ServiceConfigView(ServiceConfig config) {
        this.config = config;
    }

    /** Every key with its value, sorted, secrets masked: what the service logs at start. */
    public String describe() {
        return config.describe();
    }

    /** The Kafka client properties given under {@code kafka.}, prefix removed. */
    public Map<String, Object> kafkaProperties() {
        return config.kafkaProperties();
    }

    /** The Schema Registry serde properties under Confluent's key names, secrets in clear for the serde only. */
    public Map<String, Object> schemaRegistryProperties() {
        return config.schemaRegistryProperties();
    }
}
