package io.runflowkafka.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * In-memory Schema Registries selected by {@code schema.registry.url=mock://<scope>}, one per scope and shared within the JVM
 * (as Confluent's MockSchemaRegistry), for the embedded mode and tests. Like the real registry's default, a new version must be
 * BACKWARD compatible with the subject's latest one; ids are global within a scope and start at 1.
 */
public final class MockSchemaRegistry {

    private static final Map<String, SchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {}

    /** Returns the registry of the scope, creating an empty one on first use. */
    public static SchemaRegistryClient getClientForScope(String scope) {
        return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
    }

    /** Forgets the scope and everything registered in it; the next use of the scope starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** One scope's registry; every method is synchronized because the maps change together. */
    private static final class InMemorySchemaRegistry implements SchemaRegistryClient {

        private final String url;
        private final Map<String, List<RegisteredSchema>> versionsBySubject = new HashMap<>();
        private final Map<String, Integer> idsBySchemaText = new HashMap<>();
        private final Map<Integer, Schema> schemasById = new HashMap<>();

        InMemorySchemaRegistry(String scope) {
            this.url = SchemaRegistryConfig.MOCK_URL_PREFIX + scope;
        }

        @Override
        public synchronized int register(String subject, Schema schema) {
            String text = schema.toString();
            List<RegisteredSchema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            for (RegisteredSchema version : versions) {
                if (version.schema().toString().equals(text)) {
                    return version.id();
                }
            }
            if (!versions.isEmpty()) {
                RegisteredSchema latest = versions.get(versions.size() - 1);
                SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(schema, latest.schema());
                if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                    throw new IncompatibleSchemaException(
                            "Schema " + schema.getFullName() + " is not BACKWARD compatible with version "
                                    + latest.version() + " (id " + latest.id() + ") of subject '" + subject + "' in "
                                    + url + ": "
                                    + describe(result)
                                    + ". Add new fields with defaults, or register under another subject.",
                            409);
                }
            }
            int id = idsBySchemaText.computeIfAbsent(text, t -> idsBySchemaText.size() + 1);
            schemasById.putIfAbsent(id, schema);
            versions.add(new RegisteredSchema(subject, id, versions.size() + 1, schema));
            return id;
        }

        @Override
        public synchronized int getId(String subject, Schema schema) {
            String text = schema.toString();
            return versionsOf(subject).stream()
                    .filter(version -> version.schema().toString().equals(text))
                    .findFirst()
                    .orElseThrow(() -> new SchemaNotFoundException(
                            "Schema " + schema.getFullName() + " is not registered under subject '" + subject + "' in "
                                    + url + ": register it (auto.register.schemas=true) or check the topic name",
                            404))
                    .id();
        }

        @Override
        public synchronized Schema getSchemaById(int id) {
            Schema schema = schemasById.get(id);
            if (schema == null) {
                throw new SchemaNotFoundException("Schema id " + id + " is not registered in " + url, 404);
            }
            return schema;
        }

        @Override
        public synchronized RegisteredSchema getLatestVersion(String subject) {
            List<RegisteredSchema> versions = versionsOf(subject);
            return versions.get(versions.size() - 1);
        }

        private List<RegisteredSchema> versionsOf(String subject) {
            List<RegisteredSchema> versions = versionsBySubject.get(subject);
            if (versions == null || versions.isEmpty()) {
                throw new SubjectNotFoundException(
                        "Subject '" + subject + "' not found in " + url
                                + ": nothing was registered for it yet (is the topic name right?)",
                        404);
            }
            return versions;
        }

        private static String describe(SchemaPairCompatibility result) {
            return result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                    .collect(Collectors.joining("; "));
        }

        @Override
        public String toString() {
            return "MockSchemaRegistry[" + url + "]";
        }
    }
}
