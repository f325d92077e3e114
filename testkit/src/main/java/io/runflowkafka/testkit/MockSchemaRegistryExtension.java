package io.runflowkafka.testkit;

import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class its own in-memory Schema Registry ({@code mock://<unique scope>}),
 * dropped after the class, with Avro serdes already pointed at it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MockSchemaRegistryExtension REGISTRY = new MockSchemaRegistryExtension();
 * ...
 * Serde<UploadEvent> uploads = REGISTRY.valueSerde(UploadEvent.class);
 * }</pre>
 */
public final class MockSchemaRegistryExtension implements BeforeAllCallback, AfterAllCallback {

    private volatile String scope;
    /** The JUnit context that opened the scope; nested classes reuse it and must not drop it. */
    private volatile String ownerContextId;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (scope == null) {
            scope = Unique.name(context.getRequiredTestClass().getSimpleName());
            ownerContextId = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String current = scope;
        if (current != null && context.getUniqueId().equals(ownerContextId)) {
            scope = null;
            ownerContextId = null;
            MockSchemaRegistry.dropScope(current);
        }
    }

    /** The scope name, unique to this test class. */
    public String scope() {
        String current = scope;
        if (current == null) {
            throw new IllegalStateException("No registry scope: register MockSchemaRegistryExtension on a static field"
                    + " with @RegisterExtension");
        }
        return current;
    }

    /** The {@code schema.registry.url} value, {@code mock://<scope>}, e.g. for a service's configuration. */
    public String url() {
        return SchemaRegistryConfig.MOCK_URL_PREFIX + scope();
    }

    /** Serde configuration pointing at this registry; a fresh mutable map the caller may add keys to. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, url());
        return config;
    }

    /** An Avro serde for record values of {@code type}, registering schemas on first use. */
    public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
        return AvroSerdes.specific(type, serdeConfig(), false);
    }

    /** An Avro serde for record keys of {@code type}. */
    public <T extends SpecificRecord> Serde<T> keySerde(Class<T> type) {
        return AvroSerdes.specific(type, serdeConfig(), true);
    }
}
