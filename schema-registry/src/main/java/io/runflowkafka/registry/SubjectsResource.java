package io.runflowkafka.registry;

import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.RegisteredSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Confluent's {@code /subjects} resource: subjects, their versions, registering and looking up a schema under a
 * subject, and soft and permanent deletes. Path parameter 0 is the subject, 1 the version.
 */
final class SubjectsResource {

    private final InMemorySchemaRegistry registry;
    private final RegistryJournal writes;

    SubjectsResource(InMemorySchemaRegistry registry, RegistryJournal writes) {
        this.registry = registry;
        this.writes = writes;
    }

    /** {@code GET /subjects[?deleted=true][&subjectPrefix=p]}: the subject names. */
    Reply list(ApiRequest request) {
        String prefix = request.query().getOrDefault("subjectPrefix", "");
        return Reply.ok(registry.subjects(request.flag("deleted")).stream()
                .filter(subject -> subject.startsWith(prefix))
                .collect(Collectors.toList()));
    }

    /** {@code GET /subjects/{s}/versions[?deleted=true]}: the version numbers; 40401 for an unknown subject. */
    Reply versions(ApiRequest request) {
        return Reply.ok(registry.versions(request.param(0), request.flag("deleted")).stream()
                .map(RegisteredSchema::version)
                .collect(Collectors.toList()));
    }

    /** {@code GET /subjects/{s}/versions/{v}[?deleted=true]}: subject, version, id and schema. */
    Reply version(ApiRequest request) {
        return Reply.ok(describe(registry.version(request.param(0), request.version(1), request.flag("deleted"))));
    }

    /** {@code GET /subjects/{s}/versions/{v}/schema}: only the schema, as raw JSON. */
    Reply schemaOnly(ApiRequest request) {
        return Reply.raw(registry.version(request.param(0), request.version(1), request.flag("deleted"))
                .schema()
                .toString());
    }

    /**
     * {@code GET /subjects/{s}/versions/{v}/referencedby}: the ids of schemas that reference this version. References
     * are not supported here, so none can: an empty list, once the version is known (deleted ones included, as in
     * Confluent).
     */
    Reply referencedBy(ApiRequest request) {
        registry.version(request.param(0), request.version(1), true);
        return Reply.ok(List.of());
    }

    /** {@code POST /subjects/{s}/versions}: registers the schema (or finds it) and answers its id. */
    Reply register(ApiRequest request) {
        return Reply.ok(
                Map.of("id", writes.register(request.param(0), request.schema()).id()));
    }

    /** {@code POST /subjects/{s}[?deleted=true]}: the version of the subject that has this schema. */
    Reply lookUp(ApiRequest request) {
        return Reply.ok(describe(registry.lookUp(request.param(0), request.schema(), request.flag("deleted"))));
    }

    /** {@code DELETE /subjects/{s}[?permanent=true]}: the version numbers deleted. */
    Reply deleteSubject(ApiRequest request) {
        return Reply.ok(writes.deleteSubject(request.param(0), request.flag("permanent")));
    }

    /** {@code DELETE /subjects/{s}/versions/{v}[?permanent=true]}: the version number deleted. */
    Reply deleteVersion(ApiRequest request) {
        return Reply.ok(writes.deleteVersion(request.param(0), request.version(1), request.flag("permanent")));
    }

    /** A version as Confluent writes it; {@code schemaType} is left out for Avro, as Confluent does. */
    static Map<String, Object> describe(RegisteredSchema registered) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", registered.subject());
        body.put("version", registered.version());
        body.put("id", registered.id());
        body.put("schema", registered.schema().toString());
        return body;
    }
}
