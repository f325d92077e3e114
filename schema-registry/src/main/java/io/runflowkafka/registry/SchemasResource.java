package io.runflowkafka.registry;

import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.RegisteredSchema;
import io.runflowkafka.serde.SchemaRegistryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Confluent's {@code /schemas} resource: a schema by its global id, where it is registered, and the schema types. */
final class SchemasResource {

    private final InMemorySchemaRegistry registry;

    SchemasResource(InMemorySchemaRegistry registry) {
        this.registry = registry;
    }

    /** {@code GET /schemas/ids/{id}}: {@code {"schema": ...}}; 40403 for an unknown id. */
    Reply byId(ApiRequest request) {
        return Reply.ok(Map.of("schema", registry.getSchemaById(id(request)).toString()));
    }

    /** {@code GET /schemas/ids/{id}/schema}: only the schema, as raw JSON. */
    Reply schemaOnly(ApiRequest request) {
        return Reply.raw(registry.getSchemaById(id(request)).toString());
    }

    /** {@code GET /schemas/ids/{id}/versions[?deleted=true]}: {@code [{"subject": ..., "version": ...}]}. */
    Reply versions(ApiRequest request) {
        return Reply.ok(registry.versionsOfId(id(request), request.flag("deleted")).stream()
                .map(SchemasResource::subjectVersion)
                .collect(Collectors.toList()));
    }

    /** {@code GET /schemas/ids/{id}/subjects[?deleted=true]}: the subjects the schema is registered under. */
    Reply subjects(ApiRequest request) {
        return Reply.ok(registry.versionsOfId(id(request), request.flag("deleted")).stream()
                .map(RegisteredSchema::subject)
                .distinct()
                .collect(Collectors.toList()));
    }

    /** {@code GET /schemas/types}: only Avro is served here (Confluent also lists JSON and PROTOBUF). */
    Reply types(ApiRequest request) {
        return Reply.ok(List.of("AVRO"));
    }

    private static Map<String, Object> subjectVersion(RegisteredSchema registered) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", registered.subject());
        body.put("version", registered.version());
        return body;
    }

    private static int id(ApiRequest request) {
        try {
            return Integer.parseInt(request.param(0));
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException("Schema " + request.param(0) + " not found", 404, 40403);
        }
    }
}
