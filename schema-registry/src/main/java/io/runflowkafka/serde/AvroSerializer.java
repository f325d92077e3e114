package io.runflowkafka.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), byte-compatible
 * with Confluent's KafkaAvroSerializer: generic and specific records, and the primitives Confluent accepts (null, Boolean,
 * Integer, Long, Float, Double, CharSequence, byte[]/ByteBuffer). Subjects follow TopicNameStrategy; thread-safe once configured.
 *
 * <p>Registry problems surface as {@link SchemaRegistryException}s (an outage as {@link SchemaRegistryUnavailableException});
 * a record Avro cannot write surfaces as a {@link SerializationException}.
 *
 * @param <T> the type of values serialized
 */
public final class AvroSerializer<T> implements Serializer<T> {

    private static final int MAX_RETAINED_BUFFER = 1 << 20;
    private static final byte[] HEADER_PLACEHOLDER = new byte[WireFormat.HEADER_SIZE];
    private static final ThreadLocal<EncodeBuffer> BUFFERS = ThreadLocal.withInitial(EncodeBuffer::new);

    private static final Map<Class<?>, Schema> PRIMITIVES = Map.of(
            String.class, Schema.create(Schema.Type.STRING),
            Integer.class, Schema.create(Schema.Type.INT),
            Long.class, Schema.create(Schema.Type.LONG),
            Boolean.class, Schema.create(Schema.Type.BOOLEAN),
            Float.class, Schema.create(Schema.Type.FLOAT),
            Double.class, Schema.create(Schema.Type.DOUBLE),
            ByteBuffer.class, Schema.create(Schema.Type.BYTES));

    private final Map<String, Map<Schema, Binding>> bindingsBySubject = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private SchemaRegistryConfig config;
    private boolean isKey;

    /** For Kafka's configuration by class name: the registry client is created by {@link #configure}. */
    public AvroSerializer() {}

    /** Uses the given registry client instead of creating one from {@code schema.registry.url} (which is still required). */
    public AvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(new SchemaRegistryConfig(configs), isKey);
    }

    void configure(SchemaRegistryConfig config, boolean isKey) {
        this.config = config;
        this.isKey = isKey;
        if (client == null) {
            client = SchemaRegistryClient.create(config);
            ownsClient = true;
        }
    }

    /** Serde wiring: the serializer and deserializer of one serde share one client, so ids registered are known to both. */
    void configure(SchemaRegistryConfig config, SchemaRegistryClient sharedClient, boolean isKey) {
        this.client = sharedClient;
        configure(config, isKey);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException(
                    "AvroSerializer used before configure(): call configure(configs, isKey) first");
        }
        Object value = data instanceof byte[] ? ByteBuffer.wrap((byte[]) data) : data;
        Schema recordSchema = schemaOf(value, topic);
        String subject = subject(topic, isKey);
        Binding binding = binding(subject, recordSchema);
        if (binding.writeSchema.getType() == Schema.Type.BYTES) {
            return rawBytes(binding.id, (ByteBuffer) value);
        }
        try {
            return encode(binding.id, binding.writerFor(value), value);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Could not serialize " + recordSchema.getFullName() + " for topic '" + topic + "' (subject '"
                            + subject + "', schema id " + binding.id + "): " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }

    /** TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    private Binding binding(String subject, Schema recordSchema) {
        Map<Schema, Binding> bindings = bindingsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Binding binding = bindings.get(recordSchema);
        if (config.useLatestVersion() && !config.autoRegisterSchemas()) {
            // The client caches the latest version (for latest.cache.ttl.sec), so this costs a map look-up per record.
            RegisteredSchema latest = client.getLatestVersion(subject);
            if (binding == null || binding.id != latest.id()) {
                binding = latestBinding(subject, recordSchema, latest);
                bindings.put(recordSchema, binding);
            }
            return binding;
        }
        if (binding == null) {
            int id = config.autoRegisterSchemas()
                    ? client.register(subject, recordSchema)
                    : client.getId(subject, recordSchema);
            binding = new Binding(id, recordSchema, true);
            bindings.putIfAbsent(recordSchema, binding);
        }
        return binding;
    }

    private static Binding latestBinding(String subject, Schema recordSchema, RegisteredSchema latest) {
        if (latest.schema().equals(recordSchema)) {
            return new Binding(latest.id(), recordSchema, true);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), recordSchema);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("Cannot write " + recordSchema.getFullName() + " with the latest version "
                    + latest.version() + " (id " + latest.id() + ") of subject '" + subject
                    + "' (use.latest.version=true): that schema"
                    + " cannot read the record's own schema (" + compatibility.getDescription() + ")");
        }
        return new Binding(latest.id(), latest.schema(), false);
    }

    private static Schema schemaOf(Object value, String topic) {
        if (value instanceof GenericContainer) {
            return ((GenericContainer) value).getSchema();
        }
        Schema primitive = PRIMITIVES.get(value.getClass());
        if (primitive == null && value instanceof CharSequence) {
            primitive = PRIMITIVES.get(String.class);
        } else if (primitive == null && value instanceof ByteBuffer) {
            primitive = PRIMITIVES.get(ByteBuffer.class);
        }
        if (primitive == null) {
            throw new SerializationException(
                    "Cannot serialize a " + value.getClass().getName() + " for topic '" + topic
                            + "' as Avro: expected a GenericRecord, a SpecificRecord or an Avro primitive (String, Integer, Long, Boolean,"
                            + " Float, Double, byte[])");
        }
        return primitive;
    }

    private static byte[] encode(int id, DatumWriter<Object> writer, Object value) throws IOException {
        EncodeBuffer buffer = BUFFERS.get();
        buffer.out.reset();
        // Room for the header, filled in once the id is written into the final array.
        buffer.out.write(HEADER_PLACEHOLDER, 0, WireFormat.HEADER_SIZE);
        boolean done = false;
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
            buffer.encoder = encoder;
            writer.write(value, encoder);
            encoder.flush();
            done = true;
        } finally {
            if (!done) {
                // A failed write leaves bytes in the encoder's buffer that it would flush into the next record: drop
                // it.
                buffer.encoder = null;
            }
        }
        byte[] bytes = buffer.out.toByteArray();
        WireFormat.writeHeader(id, bytes);
        if (bytes.length > MAX_RETAINED_BUFFER) {
            BUFFERS.remove();
        }
        return bytes;
    }

    private static byte[] rawBytes(int id, ByteBuffer value) {
        // Confluent writes a top-level "bytes" value as is, without Avro's length prefix; so must a compatible serde.
        ByteBuffer copy = value.duplicate();
        byte[] bytes = new byte[WireFormat.HEADER_SIZE + copy.remaining()];
        copy.get(bytes, WireFormat.HEADER_SIZE, copy.remaining());
        WireFormat.writeHeader(id, bytes);
        return bytes;
    }

    /** A subject's id for one record schema, the schema to write with, and the writers per datum class. */
    private static final class Binding {
        private final int id;
        private final Schema writeSchema;
        private final boolean sameSchema;
        private final Map<Class<?>, DatumWriter<Object>> writersByClass = new ConcurrentHashMap<>();

        Binding(int id, Schema writeSchema, boolean sameSchema) {
            this.id = id;
            this.writeSchema = writeSchema;
            this.sameSchema = sameSchema;
        }

        DatumWriter<Object> writerFor(Object value) {
            DatumWriter<Object> writer = writersByClass.get(value.getClass());
            if (writer == null) {
                writer = writersByClass.computeIfAbsent(value.getClass(), type -> newWriter(value));
            }
            return writer;
        }

        private DatumWriter<Object> newWriter(Object value) {
            // A generated class carries its own model, with the conversions of its logical types (Instant for
            // timestamp-millis).
            GenericData model =
                    value instanceof SpecificRecord ? SpecificData.getForClass(value.getClass()) : GenericData.get();
            if (!sameSchema) {
                return new ByNameDatumWriter(writeSchema, model);
            }
            if (model instanceof SpecificData) {
                return new SpecificDatumWriter<>(writeSchema, (SpecificData) model);
            }
            return new GenericDatumWriter<>(writeSchema, model);
        }
    }

    /** Per-thread output buffer and encoder, reused from record to record. */
    private static final class EncodeBuffer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private BinaryEncoder encoder;
    }
}
