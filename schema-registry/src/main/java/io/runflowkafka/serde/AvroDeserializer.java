package io.runflowkafka.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka deserializer reading the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), compatible with
 * Confluent's KafkaAvroDeserializer. Given a generated class it reads into that class through Avro's schema resolution
 * (old writer, new reader); otherwise it returns GenericRecords, or generated classes when {@code specific.avro.reader=true}.
 *
 * <p>Bad bytes (wrong magic byte, unknown schema id, truncated or undecodable payload) raise a {@link SerializationException}
 * saying what was wrong, so a deserialization handler can dead-letter the record; a registry outage raises
 * {@link SchemaRegistryUnavailableException} instead, which no handler should mistake for bad data. Thread-safe once configured.
 *
 * @param <T> the type of values returned
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    private static final Logger LOG = LoggerFactory.getLogger(AvroDeserializer.class);

    /**
     * Pauses before asking again for a schema id the registry says it does not have (about 1.5 s in all): a follower
     * of a registry of several nodes answers 40403 for a new id until it has read the registry's log up to it.
     */
    static final long[] NOT_FOUND_RETRY_DELAYS_MS = {100, 200, 400, 800};

    /** How long an id found nowhere after those pauses is judged by one look-up, so its next records are not held. */
    private static final long MISSING_REMEMBERED_NANOS = TimeUnit.MINUTES.toNanos(1);

    /**
     * How many ids found nowhere within a minute the pauses are spent on; past them a new unknown id is judged by one
     * look-up, so records naming ever new ids (garbage, or a hostile producer) hold the reader ~4.5 s a minute at most.
     */
    static final int PAUSED_UNKNOWN_IDS_PER_MINUTE = 3;

    private static final ThreadLocal<Decoders> DECODERS = ThreadLocal.withInitial(Decoders::new);

    private final Class<? extends SpecificRecord> readerClass;
    // The reader schema is a function of the writer id for a given deserializer, so the id alone keys the reader cache.
    private final Map<Integer, Reader> readersById = new ConcurrentHashMap<>();
    /** Ids found nowhere after the pauses in the last minute, with when (System.nanoTime()): at most a few. */
    private final Map<Integer, Long> missingSince = new ConcurrentHashMap<>();

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private SchemaRegistryConfig config;

    /** For Kafka's configuration by class name: GenericRecord, or generated classes when {@code specific.avro.reader=true}. */
    public AvroDeserializer() {
        this.readerClass = null;
    }

    /** Reads every record into the given generated class, whatever compatible schema it was written with. */
    public AvroDeserializer(Class<T> specificClass) {
        this.readerClass = requireSpecific(specificClass);
    }

    /** Like {@link #AvroDeserializer()} with the given registry client instead of one created from the configuration. */
    public AvroDeserializer(SchemaRegistryClient client) {
        this.readerClass = null;
        this.client = client;
    }

    /** Like {@link #AvroDeserializer(Class)} with the given registry client instead of one created from the configuration. */
    public AvroDeserializer(Class<T> specificClass, SchemaRegistryClient client) {
        this.readerClass = requireSpecific(specificClass);
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(new SchemaRegistryConfig(configs));
    }

    void configure(SchemaRegistryConfig config) {
        this.config = config;
        if (client == null) {
            client = SchemaRegistryClient.create(config);
            ownsClient = true;
        }
    }

    /** Serde wiring: the serializer and deserializer of one serde share one client. */
    void configure(SchemaRegistryConfig config, SchemaRegistryClient sharedClient) {
        this.client = sharedClient;
        configure(config);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException(
                    "AvroDeserializer used before configure(): call configure(configs, isKey) first");
        }
        int id = WireFormat.schemaId(data);
        Reader reader = readersById.get(id);
        if (reader == null) {
            Reader found = newReader(id); // not in computeIfAbsent: a look-up may pause (see writerSchema)
            Reader raced = readersById.putIfAbsent(id, found);
            reader = raced != null ? raced : found;
        }
        @SuppressWarnings("unchecked")
        T value = (T) reader.read(data);
        return value;
    }

    /**
     * The schema with this id; asked again after {@link #NOT_FOUND_RETRY_DELAYS_MS} when the registry answers that it
     * has none and its reads may lag, unless the id was found nowhere less than a minute ago.
     */
    private Schema writerSchema(int id) {
        long now = System.nanoTime();
        missingSince.values().removeIf(since -> now - since >= MISSING_REMEMBERED_NANOS); // a handful at most
        if (id <= 0
                || !client.readsMayLag()
                || missingSince.containsKey(id)
                || missingSince.size() >= PAUSED_UNKNOWN_IDS_PER_MINUTE) {
            return client.getSchemaById(id);
        }
        for (long delayMs : NOT_FOUND_RETRY_DELAYS_MS) {
            try {
                return client.getSchemaById(id);
            } catch (SchemaNotFoundException e) {
                LOG.debug("schema id {} not found, asking again in {} ms (a registry node may lag)", id, delayMs);
            }
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                throw new InterruptException(e); // closing: the record is read again by whoever reads on, not judged
            }
        }
        try {
            return client.getSchemaById(id);
        } catch (SchemaNotFoundException e) {
            missingSince.put(id, System.nanoTime());
            throw e;
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }

    private Reader newReader(int id) {
        Schema writer;
        try {
            writer = writerSchema(id);
        } catch (SchemaNotFoundException e) {
            throw new SerializationException(
                    "unknown schema id " + id + " at offset 1"
                            + (id <= 0
                                    ? " (registry ids start at 1: written with another wire format, such as Apicurio's 8-byte ids?)"
                                    : "")
                            + ": " + e.getMessage(),
                    e);
        }
        Class<?> targetClass = readerClass;
        if (targetClass == null && config.specificAvroReader() && isNamed(writer)) {
            targetClass = SpecificData.get().getClass(writer);
            if (targetClass == null || !SpecificRecord.class.isAssignableFrom(targetClass)) {
                return Reader.failing(
                        writer,
                        "schema id " + id + " is " + writer.getFullName() + " and specific.avro.reader=true,"
                                + " but no generated SpecificRecord class of that name is on the classpath");
            }
        }
        if (targetClass == null) {
            LOG.debug("Reading schema id {} ({}) as generic data", id, writer.getFullName());
            return new Reader(id, writer, new GenericDatumReader<>(writer, writer, GenericData.get()), null);
        }
        SpecificData model = SpecificData.getForClass(targetClass);
        Schema readerSchema = model.getSchema(targetClass);
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            return Reader.failing(
                    writer,
                    "schema id " + id + " (" + writer.getFullName() + ") cannot be read as " + targetClass.getName()
                            + ": " + compatibility.getDescription());
        }
        LOG.debug("Reading schema id {} ({}) into {}", id, writer.getFullName(), targetClass.getName());
        return new Reader(id, writer, new SpecificDatumReader<>(writer, readerSchema, model), null);
    }

    private static boolean isNamed(Schema schema) {
        Schema.Type type = schema.getType();
        return type == Schema.Type.RECORD || type == Schema.Type.ENUM || type == Schema.Type.FIXED;
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<? extends SpecificRecord> requireSpecific(Class<T> type) {
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro SpecificRecord class");
        }
        return (Class<? extends SpecificRecord>) type;
    }

    /** How to read one writer schema id: its datum reader, or why it cannot be read. */
    private static final class Reader {
        private final int id;
        private final Schema writer;
        private final DatumReader<Object> datumReader;
        private final String failure;

        Reader(int id, Schema writer, DatumReader<Object> datumReader, String failure) {
            this.id = id;
            this.writer = writer;
            this.datumReader = datumReader;
            this.failure = failure;
        }

        static Reader failing(Schema writer, String failure) {
            return new Reader(0, writer, null, failure);
        }

        Object read(byte[] data) {
            if (failure != null) {
                throw new SerializationException(failure);
            }
            if (writer.getType() == Schema.Type.BYTES) {
                // Confluent writes a top-level "bytes" value as is, without Avro's length prefix.
                return Arrays.copyOfRange(data, WireFormat.HEADER_SIZE, data.length);
            }
            int length = data.length - WireFormat.HEADER_SIZE;
            Decoders decoders = DECODERS.get();
            decoders.binary = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, length, decoders.binary);
            BoundedDecoder decoder = decoders.bounded.wrap(decoders.binary);
            Object value;
            boolean leftOver;
            try {
                value = datumReader.read(null, decoder);
                leftOver = !decoder.isEnd();
            } catch (EOFException e) {
                throw new SerializationException(
                        "truncated payload: the " + length + " bytes of Avro data after the header end"
                                + " before a whole " + writer.getFullName() + " (schema id " + id + ") was read"
                                + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""),
                        e);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "payload does not decode as " + writer.getFullName() + " (schema id " + id + ", " + length
                                + " bytes of Avro data): " + e,
                        e);
            }
            if (leftOver) {
                throw new SerializationException("payload has bytes left over after a whole " + writer.getFullName()
                        + " (schema id " + id + ") was read: written with another schema than its id says?");
            }
            return value instanceof Utf8 ? value.toString() : value;
        }
    }

    /** Per-thread decoders, reconfigured for each record instead of allocated. */
    private static final class Decoders {
        private final BoundedDecoder bounded = new BoundedDecoder();
        private BinaryDecoder binary;
    }
}
