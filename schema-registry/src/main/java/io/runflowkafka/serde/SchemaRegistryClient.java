package io.runflowkafka.serde;

import java.util.Map;
import org.apache.avro.Schema;

/**
 * The few Schema Registry operations the serdes need, on a real registry over REST or on the in-memory one.
 * Implementations are thread-safe; {@link #create(SchemaRegistryConfig)} returns a cached client for the configured URLs.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers the schema under the subject (or finds it there already) and returns its global id.
     *
     * @throws IncompatibleSchemaException when the subject's compatibility rule refuses the schema
     */
    int register(String subject, Schema schema);

    /**
     * Returns the id of a schema already registered under the subject, without registering it.
     *
     * @throws SubjectNotFoundException when the subject does not exist
     * @throws SchemaNotFoundException when the schema is not registered under the subject
     */
    int getId(String subject, Schema schema);

    /**
     * Returns the schema with the given global id.
     *
     * @throws SchemaNotFoundException when no schema has this id
     */
    Schema getSchemaById(int id);

    /**
     * Returns the latest version registered under the subject.
     *
     * @throws SubjectNotFoundException when the subject does not exist
     */
    RegisteredSchema getLatestVersion(String subject);

    /**
     * Whether a read may miss a schema another client has just registered: true for a registry served over HTTP,
     * whose reads a follower of several nodes may answer before it has read the registry's log up to that schema.
     * False by default (one process, as the in-memory registry).
     */
    default boolean readsMayLag() {
        return false;
    }

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {}

    /** Creates the client the configuration asks for: the shared in-memory registry for {@code mock://scope}, else a cached REST client. */
    static SchemaRegistryClient create(SchemaRegistryConfig config) {
        if (config.mockScope().isPresent()) {
            return MockSchemaRegistry.getClientForScope(config.mockScope().get());
        }
        return new CachingSchemaRegistryClient(
                new RestSchemaRegistryClient(config), config.latestCacheTtl().orElse(null));
    }

    /** Parses the configuration (Confluent's keys, see {@link SchemaRegistryConfig}) and creates the client it asks for. */
    static SchemaRegistryClient create(Map<String, ?> configs) {
        return create(new SchemaRegistryConfig(configs));
    }
}
