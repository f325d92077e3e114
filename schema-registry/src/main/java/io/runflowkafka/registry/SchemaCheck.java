package io.runflowkafka.registry;

import io.runflowkafka.serde.RestSchemaRegistryClient;
import io.runflowkafka.serde.SchemaRegistryException;
import io.runflowkafka.serde.SubjectNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Tests local schemas against what a Schema Registry holds, as a deploy pipeline does before it ships: each subject
 * under its own compatibility level on the registry, one line per subject, and an exit code that is non-zero when a
 * schema is incompatible (1) or the registry could not say (2).
 */
public final class SchemaCheck {

    /** A topic's local value schema. */
    public record LocalSchema(String topic, Schema schema) {}

    /** What the registry said of one subject. */
    public enum Outcome {
        /** The registry would accept the schema. */
        COMPATIBLE,
        /** Nothing is registered under the subject yet; the first registration creates it. */
        NEW,
        /** The registry would refuse the schema. */
        INCOMPATIBLE,
        /** The registry could not be asked (unreachable, refused credentials, an error). */
        FAILED
    }

    /** One subject's result; {@code reasons} are the registry's (or the failure's) words. */
    public record Result(String subject, LocalSchema local, Outcome outcome, List<String> reasons) {

        /** The line printed for the subject. */
        public String line() {
            String what =
                    outcome + " " + subject + " (" + local.schema().getFullName() + ", topic " + local.topic() + ")";
            return switch (outcome) {
                case COMPATIBLE -> what + ": compatible with the registered versions";
                case NEW -> what + ": not registered yet";
                case INCOMPATIBLE, FAILED -> what + ": " + String.join("; ", reasons);
            };
        }
    }

    private final RestSchemaRegistryClient registry;
    private final SubjectNameStrategy strategy;

    /** Checks against {@code registry}, naming subjects with {@code strategy}. */
    public SchemaCheck(RestSchemaRegistryClient registry, SubjectNameStrategy strategy) {
        this.registry = registry;
        this.strategy = strategy;
    }

    /** Checks each schema once per subject, in the order given. */
    public List<Result> check(List<LocalSchema> schemas) {
        Set<String> seen = new LinkedHashSet<>();
        List<Result> results = new ArrayList<>();
        for (LocalSchema local : schemas) {
            String subject = strategy.subject(local.topic(), local.schema());
            if (seen.add(subject + "\n" + local.schema())) {
                results.add(check(subject, local));
            }
        }
        return results;
    }

    /** 0 when every schema may be registered, 1 when one is incompatible, 2 when the registry could not say. */
    public static int exitCode(List<Result> results) {
        if (results.stream().anyMatch(r -> r.outcome() == Outcome.FAILED)) {
            return 2;
        }
        return results.stream().anyMatch(r -> r.outcome() == Outcome.INCOMPATIBLE) ? 1 : 0;
    }

    private Result check(String subject, LocalSchema local) {
        try {
            try {
                registry.getLatestVersion(subject);
            } catch (SubjectNotFoundException e) {
                return new Result(subject, local, Outcome.NEW, List.of());
            }
            List<String> reasons = registry.testCompatibility(subject, local.schema());
            return new Result(subject, local, reasons.isEmpty() ? Outcome.COMPATIBLE : Outcome.INCOMPATIBLE, reasons);
        } catch (SchemaRegistryException e) {
            return new Result(subject, local, Outcome.FAILED, List.of(e.getMessage()));
        }
    }
}
