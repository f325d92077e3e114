package io.runflowkafka.serde;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.Encoder;

/**
 * Writes a record under another, compatible schema (use.latest.version): fields are matched by name or alias, a field the
 * record lacks gets its default, enum symbols are written by name. Avro's own writers match fields by position, which is only
 * right when both schemas have the same fields in the same order.
 */
final class ByNameDatumWriter extends GenericDatumWriter<Object> {

    ByNameDatumWriter(Schema target, GenericData data) {
        super(target, data);
    }

    @Override
    protected void writeField(Object datum, Schema.Field field, Encoder out, Object state) throws IOException {
        IndexedRecord record = (IndexedRecord) datum;
        Schema.Field own = record.getSchema().getField(field.name());
        if (own == null) {
            for (String alias : field.aliases()) {
                own = record.getSchema().getField(alias);
                if (own != null) {
                    break;
                }
            }
        }
        Object value = own != null ? record.get(own.pos()) : getData().getDefaultValue(field);
        write(field.schema(), value, out);
    }

    @Override
    protected void writeEnum(Schema schema, Object datum, Encoder out) throws IOException {
        String symbol = datum.toString();
        out.writeEnum(
                schema.hasEnumSymbol(symbol)
                        ? schema.getEnumOrdinal(symbol)
                        : schema.getEnumOrdinal(schema.getEnumDefault()));
    }
}
