package io.runflowkafka.registry;

import io.runflowkafka.serde.CompatibilityLevel;
import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryException;
import java.util.Map;

/**
 * Confluent's {@code /config} resource (compatibility levels, global and per subject) and {@code /mode}, which is
 * always READWRITE here: setting READWRITE is accepted, any other mode is refused (42204).
 */
final class ConfigResource {

    private static final String READWRITE = "READWRITE";

    private final InMemorySchemaRegistry registry;
    private final RegistryJournal writes;

    ConfigResource(InMemorySchemaRegistry registry, RegistryJournal writes) {
        this.registry = registry;
        this.writes = writes;
    }

    /** {@code GET /config}: {@code {"compatibilityLevel": ...}}. */
    Reply global(ApiRequest request) {
        return level(registry.compatibility());
    }

    /** {@code PUT /config} with {@code {"compatibility": ...}}: echoes the request; 42203 for an unknown level. */
    Reply setGlobal(ApiRequest request) {
        CompatibilityLevel level = requested(request);
        writes.setCompatibility(null, level);
        return Reply.ok(Map.of("compatibility", level.name()));
    }

    /** {@code DELETE /config}: back to BACKWARD; answers the level it replaced. */
    Reply deleteGlobal(ApiRequest request) {
        return level(writes.deleteCompatibility(null).orElseThrow());
    }

    /**
     * {@code GET /config/{s}[?defaultToGlobal=true]}: the subject's own level; without one, 40408, or the global level
     * when {@code defaultToGlobal} is set.
     */
    Reply subject(ApiRequest request) {
        String subject = request.param(0);
        if (request.flag("defaultToGlobal")) {
            return level(registry.compatibilityFor(subject));
        }
        return level(registry.subjectCompatibility(subject)
                .orElseThrow(() -> new SchemaRegistryException(
                        "Subject '" + subject + "' does not have subject-level compatibility configured", 404, 40408)));
    }

    /** {@code PUT /config/{s}}: sets the subject's own level (the subject need not exist). */
    Reply setSubject(ApiRequest request) {
        CompatibilityLevel level = requested(request);
        writes.setCompatibility(request.param(0), level);
        return Reply.ok(Map.of("compatibility", level.name()));
    }

    /** {@code DELETE /config/{s}}: removes the subject's level and answers it; 40401 when it had none, as Confluent. */
    Reply deleteSubject(ApiRequest request) {
        String subject = request.param(0);
        return level(writes.deleteCompatibility(subject)
                .orElseThrow(() -> new SchemaRegistryException("Subject '" + subject + "' not found.", 404, 40401)));
    }

    /** {@code GET /mode}: always READWRITE. */
    Reply mode(ApiRequest request) {
        return Reply.ok(Map.of("mode", READWRITE));
    }

    /** {@code GET /mode/{s}[?defaultToGlobal=true]}: no subject has its own mode, so 40409 unless defaulting. */
    Reply subjectMode(ApiRequest request) {
        if (request.flag("defaultToGlobal")) {
            return mode(request);
        }
        throw new SchemaRegistryException(
                "Subject '" + request.param(0) + "' does not have subject-level mode configured", 404, 40409);
    }

    /** {@code PUT /mode} and {@code PUT /mode/{s}}: READWRITE is accepted (it is what there is), anything else 42204. */
    Reply setMode(ApiRequest request) {
        String mode = request.json(42204).path("mode").asText("");
        if (!READWRITE.equalsIgnoreCase(mode)) {
            throw new SchemaRegistryException(
                    "Invalid mode '" + mode + "': the local registry is always READWRITE", 422, 42204);
        }
        return Reply.ok(Map.of("mode", READWRITE));
    }

    private static Reply level(CompatibilityLevel level) {
        return Reply.ok(Map.of("compatibilityLevel", level.name()));
    }

    private static CompatibilityLevel requested(ApiRequest request) {
        String name = request.json(42203).path("compatibility").asText(null);
        return CompatibilityLevel.parse(name)
                .orElseThrow(() -> new SchemaRegistryException(
                        "Invalid compatibility level. Valid values are none, backward, forward, full,"
                                + " backward_transitive, forward_transitive, and full_transitive",
                        422,
                        42203));
    }
}
