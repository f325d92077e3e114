package io.runflowkafka.serde;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Checks a new schema against a subject's earlier versions under a compatibility level, with Avro's own
 * {@link SchemaCompatibility}, and says what is wrong in the shape of Confluent's verbose messages.
 */
final class CompatibilityCheck {

    private static final int MAX_SCHEMA_IN_MESSAGE = 2000;

    private CompatibilityCheck() {}

    /**
     * Returns the problems found, empty when the schema may be registered. {@code earlier} is in registration order;
     * like Confluent, the check stops at the first earlier version (newest first) that fails.
     */
    static List<String> problems(CompatibilityLevel level, Schema candidate, List<RegisteredSchema> earlier) {
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return List.of();
        }
        List<RegisteredSchema> against =
                new ArrayList<>(level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1)));
        Collections.reverse(against);
        for (RegisteredSchema old : against) {
            List<String> messages = new ArrayList<>();
            if (level.backward()) {
                messages.addAll(readProblems(candidate, old.schema(), "new", "old"));
            }
            if (level.forward()) {
                messages.addAll(readProblems(old.schema(), candidate, "old", "new"));
            }
            if (!messages.isEmpty()) {
                String text = old.schema().toString();
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '"
                        + (text.length() <= MAX_SCHEMA_IN_MESSAGE
                                ? text
                                : text.substring(0, MAX_SCHEMA_IN_MESSAGE) + "...")
                        + "'}");
                messages.add("{compatibility: '" + level + "'}");
                return messages;
            }
        }
        return List.of();
    }

    private static List<String> readProblems(Schema reader, Schema writer, String readerName, String writerName) {
        List<String> messages = new ArrayList<>();
        for (Incompatibility problem : SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult()
                .getIncompatibilities()) {
            messages.add("{errorType:'" + problem.getType() + "', description:'"
                    + describe(problem, readerName, writerName) + "', additionalInfo:'" + problem.getMessage()
                    + "'}");
        }
        return messages;
    }

    private static String describe(Incompatibility problem, String reader, String writer) {
        String at = " at path '" + problem.getLocation() + "'";
        return switch (problem.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE ->
                "The field '" + problem.getMessage() + "'" + at + " in the " + reader
                        + " schema has no default value and is missing in the " + writer + " schema";
            case TYPE_MISMATCH ->
                "The type" + at + " in the " + reader + " schema does not match the " + writer + " schema's: "
                        + problem.getMessage();
            case MISSING_ENUM_SYMBOLS ->
                "The " + reader + " schema's enum" + at + " lacks symbols of the " + writer + " schema: "
                        + problem.getMessage();
            case MISSING_UNION_BRANCH ->
                "The " + reader + " schema's union" + at + " lacks a branch of the " + writer + " schema: "
                        + problem.getMessage();
            default ->
                "The " + reader + " schema cannot read data written with the " + writer + " schema" + at + ": "
                        + problem.getMessage();
        };
    }
}
