package io.runflowkafka.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject as the registry knows it: its global id, its version number within the subject and the schema. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    /** Validates the fields. */
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
