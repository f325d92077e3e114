package io.runflowkafka.serde;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Factory of configured Avro serdes in the Confluent wire format, for topologies, producers and consumers.
 * {@code config} carries the Schema Registry keys of {@link SchemaRegistryConfig} (at least {@code schema.registry.url}).
 */
public final class AvroSerdes {

    private AvroSerdes() {}

    /**
     * A serde for one generated record class, e.g. {@code AvroSerdes.specific(UploadEvent.class, config, false)}; it reads any
     * compatible writer schema into that class.
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config, boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>(type, null);
        serde.configure(config, isKey);
        return serde;
    }

    /**
     * A serde for GenericRecords; with {@code specific.avro.reader=true} in {@code config} the deserializer returns the
     * generated classes (which are GenericRecords too).
     */
    public static Serde<GenericRecord> generic(Map<String, ?> config, boolean isKey) {
        AvroSerde<GenericRecord> serde = new AvroSerde<>();
        serde.configure(config, isKey);
        return serde;
    }
}
