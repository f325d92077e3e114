package io.runflowkafka.processor;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads the plain Avro binary of the processor's internal records (stores, internal topics), whether written by this
 * version or by an earlier one whose schema ended before fields added since with defaults. Plain binary carries no
 * writer schema: an earlier version's bytes simply end where its fields did, and the current reader fails there with
 * an {@link EOFException}; they are then read again as written by the schema without those trailing fields, which
 * fills in the defaults (Avro's own schema resolution). An earlier version reading newer bytes stops after its own
 * fields and ignores the rest, so a rollback reads them as well.
 *
 * @param <T> the generated record class
 */
public final class AvroTrailingFields<T> {

    private final Schema schema;
    private final SpecificDatumReader<T> current;
    /** Readers of earlier versions: one trailing field fewer each, made once when first needed. */
    private volatile List<SpecificDatumReader<T>> earlier;

    /** A reader of {@code type}'s records. */
    public AvroTrailingFields(Class<T> type) {
        this.current = new SpecificDatumReader<>(type);
        this.schema = current.getSchema();
    }

    /** Decodes {@code bytes}, written by this version or an earlier one. */
    public T read(byte[] bytes) throws IOException {
        try {
            return current.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (EOFException e) {
            for (SpecificDatumReader<T> reader : earlier()) {
                BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
                try {
                    T record = reader.read(null, decoder);
                    if (decoder.isEnd()) {
                        return record;
                    }
                } catch (EOFException shorterStill) {
                    // try the schema with one more trailing field left out
                }
            }
            throw e;
        }
    }

    private List<SpecificDatumReader<T>> earlier() {
        List<SpecificDatumReader<T>> readers = earlier;
        if (readers == null) {
            readers = new ArrayList<>();
            List<Schema.Field> fields = schema.getFields();
            for (int keep = fields.size() - 1; keep > 0 && fields.get(keep).hasDefaultValue(); keep--) {
                List<Schema.Field> kept = new ArrayList<>();
                for (Schema.Field field : fields.subList(0, keep)) {
                    kept.add(new Schema.Field(field, field.schema()));
                }
                Schema writer = Schema.createRecord(
                        schema.getName(), schema.getDoc(), schema.getNamespace(), schema.isError(), kept);
                readers.add(new SpecificDatumReader<>(writer, schema));
            }
            earlier = readers;
        }
        return readers;
    }
}
