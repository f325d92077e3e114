package io.runflowkafka.serde;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} pairing {@link AvroSerializer} and {@link AvroDeserializer} over one shared registry client.
 * Build configured ones with {@link AvroSerdes}; the no-argument constructor serves Kafka's configuration by class name.
 *
 * @param <T> the type of values
 */
public final class AvroSerde<T> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private SchemaRegistryClient client;
    private boolean ownsClient;

    /** Generic data: GenericRecord, or generated classes when {@code specific.avro.reader=true}. */
    public AvroSerde() {
        this(null, null);
    }

    /**
     * Reads into the given generated class, or generic data when {@code specificClass} is null; a non-null {@code client}
     * replaces the one the configuration would create.
     */
    public AvroSerde(Class<T> specificClass, SchemaRegistryClient client) {
        this.serializer = new AvroSerializer<>();
        this.deserializer = specificClass == null ? new AvroDeserializer<>() : new AvroDeserializer<>(specificClass);
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryConfig config = new SchemaRegistryConfig(configs);
        if (client == null) {
            client = SchemaRegistryClient.create(config);
            ownsClient = true;
        }
        serializer.configure(config, client, isKey);
        deserializer.configure(config, client);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
