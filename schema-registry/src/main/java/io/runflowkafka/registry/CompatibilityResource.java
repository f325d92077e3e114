package io.runflowkafka.registry;

import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Confluent's {@code /compatibility} resource: would this schema be accepted under the subject's compatibility level?
 * Answers {@code {"is_compatible": ...}}, with {@code "messages"} when {@code ?verbose=true}.
 */
final class CompatibilityResource {

    private final InMemorySchemaRegistry registry;

    CompatibilityResource(InMemorySchemaRegistry registry) {
        this.registry = registry;
    }

    /** {@code POST /compatibility/subjects/{s}/versions/{v|latest}}: against that one version. */
    Reply againstVersion(ApiRequest request) {
        String subject = request.param(0);
        int version = request.version(1);
        return check(request, schema -> registry.testCompatibility(subject, schema, version));
    }

    /** {@code POST /compatibility/subjects/{s}/versions}: against the versions registering would check. */
    Reply againstSubject(ApiRequest request) {
        String subject = request.param(0);
        return check(request, schema -> registry.testCompatibilityWithAll(subject, schema));
    }

    private interface Test {
        List<String> problems(Schema schema);
    }

    private static Reply check(ApiRequest request, Test test) {
        boolean verbose = request.flag("verbose");
        List<String> problems;
        try {
            problems = test.problems(request.schema());
        } catch (SchemaRegistryException e) {
            // As Confluent: with verbose, an invalid schema is an incompatible one with the reason; without, 42201.
            if (!verbose || e.errorCode() != 42201) {
                throw e;
            }
            problems = List.of(e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", problems.isEmpty());
        if (verbose) {
            body.put("messages", problems);
        }
        return Reply.ok(body);
    }
}
