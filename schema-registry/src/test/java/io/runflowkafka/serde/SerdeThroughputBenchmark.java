package io.runflowkafka.serde;

import io.runflowkafka.schema.UploadEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Single-thread throughput of the serdes on UploadEvent records against the in-memory registry; run on purpose, never as
 * part of the test suite (see the module README for the command). Prints records per second for each direction.
 */
public final class SerdeThroughputBenchmark {

    private SerdeThroughputBenchmark() {}

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, Object> config = TestSchemas.mockConfig("throughput-benchmark");
        Serde<UploadEvent> specific = AvroSerdes.specific(UploadEvent.class, config, false);
        Serde<GenericRecord> generic = AvroSerdes.generic(config, false);
        List<UploadEvent> inputs = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            inputs.add(SampleRecords.upload("up-" + i));
        }
        byte[][] encoded = new byte[records][];
        System.out.printf(
                "UploadEvent, %d records per round, %d bytes each on the wire%n",
                records, specific.serializer().serialize("bench", inputs.get(0)).length);
        double[][] rates = new double[3][rounds];
        for (int round = 1; round <= rounds; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                encoded[i] = specific.serializer().serialize("bench", inputs.get(i));
            }
            long serialized = System.nanoTime();
            long checksum = 0;
            for (int i = 0; i < records; i++) {
                checksum += specific.deserializer()
                        .deserialize("bench", encoded[i])
                        .getUploadId()
                        .length();
            }
            long specificRead = System.nanoTime();
            for (int i = 0; i < records; i++) {
                checksum += generic.deserializer()
                        .deserialize("bench", encoded[i])
                        .getSchema()
                        .getFields()
                        .size();
            }
            long genericRead = System.nanoTime();
            rates[0][round - 1] = rate(records, start, serialized);
            rates[1][round - 1] = rate(records, serialized, specificRead);
            rates[2][round - 1] = rate(records, specificRead, genericRead);
            System.out.printf(
                    "round %d: serialize %,.0f rec/s, deserialize specific %,.0f rec/s, generic %,.0f rec/s (checksum %d)%n",
                    round,
                    rate(records, start, serialized),
                    rate(records, serialized, specificRead),
                    rate(records, specificRead, genericRead),
                    checksum);
        }
        System.out.printf(
                "median: serialize %,.0f rec/s, deserialize specific %,.0f rec/s, generic %,.0f rec/s%n",
                median(rates[0]), median(rates[1]), median(rates[2]));
        MockSchemaRegistry.dropScope("throughput-benchmark");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double rate(int records, long fromNanos, long toNanos) {
        return records / ((toNanos - fromNanos) / 1e9);
    }
}
