package io.runflowkafka.serde;

import org.apache.avro.Schema;

/** What a call was for, so errors can say it in words. */
record Call(String what, String subject, Schema schema, Integer id) {
    String schemaName() {
        return schema == null ? "?" : schema.getFullName();
    }
}
