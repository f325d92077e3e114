package io.runflowkafka.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory Schema Registries selected by {@code schema.registry.url=mock://<scope>}, one per scope and shared within the JVM
 * (as Confluent's MockSchemaRegistry), for the embedded mode and tests. Each scope follows Confluent's rules (see
 * {@link InMemorySchemaRegistry}): BACKWARD compatibility by default, ids global within the scope and starting at 1.
 */
public final class MockSchemaRegistry {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {}

    /** Returns the registry of the scope, creating an empty one on first use. */
    public static SchemaRegistryClient getClientForScope(String scope) {
        return registryForScope(scope);
    }

    /** Returns the registry of the scope with its whole API (subjects, deletes, compatibility), creating it on first use. */
    public static InMemorySchemaRegistry registryForScope(String scope) {
        return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
    }

    /** Forgets the scope and everything registered in it; the next use of the scope starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }
}
