package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.processor.async.PendingCallSerde;
import io.runflowkafka.processor.internal.OrderPhoto;
import io.runflowkafka.processor.internal.OrderState;
import io.runflowkafka.processor.internal.OrderStatus;
import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.processor.orders.AvroBinarySerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Internal records stored by the version before tracing still read, and a rollback reads the new ones. */
class AvroTrailingFieldsTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldReadAPendingCallStoredWithoutTheTraceFields() throws IOException {
        Schema before = without(PendingCall.getClassSchema(), "trace_parent", "trace_state");
        GenericRecord old = new GenericData.Record(before);
        old.put("key", ByteBuffer.wrap(new byte[] {1}));
        old.put("value", ByteBuffer.wrap(new byte[] {2, 3}));
        old.put("timestamp", 5L);
        old.put("topic", "photos.uploaded");
        old.put("partition", 1);
        old.put("offset", 7L);
        old.put("accepted_at", 11L);

        PendingCall call = new PendingCallSerde().deserializer().deserialize("t", write(before, old));

        assertThat(call.getOffset()).isEqualTo(7L);
        assertThat(call.getAcceptedAt()).isEqualTo(11L);
        assertThat(call.getTraceParent()).isNull();
        assertThat(call.getTraceState()).isNull();
    }

    @Test
    void shouldLetTheVersionBeforeTracingReadANewPendingCall() throws IOException {
        PendingCall call = PendingCall.newBuilder()
                .setKey(null)
                .setValue(ByteBuffer.wrap(new byte[] {2}))
                .setTimestamp(5L)
                .setTopic("photos.uploaded")
                .setPartition(0)
                .setOffset(9L)
                .setAcceptedAt(11L)
                .setTraceParent(TRACEPARENT)
                .build();
        byte[] bytes = new PendingCallSerde().serializer().serialize("t", call);
        Schema before = without(PendingCall.getClassSchema(), "trace_parent", "trace_state");

        GenericRecord read = new GenericDatumReader<GenericRecord>(before)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(read.get("offset")).isEqualTo(9L);
        assertThat(new PendingCallSerde().deserializer().deserialize("t", bytes).getTraceParent())
                .isEqualTo(TRACEPARENT);
    }

    @Test
    void shouldReadAnOrderStateStoredWithoutPhotoTraces() throws IOException {
        Schema before = without(OrderState.getClassSchema(), "photo_trace_parents");
        OrderState current = OrderState.newBuilder()
                .setOrderId("order-1")
                .setUserId("user-1")
                .setStatus(OrderStatus.COLLECTING)
                .setPhotos(new ArrayList<>(List.of(new OrderPhoto("u1", "https://img/1.jpg"))))
                .setAttributes(Map.of())
                .setLastAcceptedAt(1L)
                .setLastTimestamp(2L)
                .setSourceTopic("photos.accepted")
                .setSourcePartition(0)
                .setSourceOffset(3L)
                .build();
        byte[] old = write(
                before,
                new GenericDatumReader<GenericRecord>(OrderState.getClassSchema(), before)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(
                                                AvroBinarySerde.of(OrderState.class)
                                                        .encode(current),
                                                null)));

        OrderState state = AvroBinarySerde.of(OrderState.class).decode(old);

        assertThat(state.getPhotos()).extracting(OrderPhoto::getUploadId).containsExactly("u1");
        assertThat(state.getPhotoTraceParents()).isEmpty();
        assertThat(state.getSourceOffset()).isEqualTo(3L);
    }

    @Test
    void shouldStillRefuseTruncatedBytes() {
        byte[] bytes = new PendingCallSerde()
                .serializer()
                .serialize(
                        "t",
                        PendingCall.newBuilder()
                                .setKey(null)
                                .setValue(null)
                                .setTimestamp(5L)
                                .setTopic("photos.uploaded")
                                .setPartition(0)
                                .setOffset(9L)
                                .setAcceptedAt(11L)
                                .build());
        byte[] truncated = java.util.Arrays.copyOf(bytes, 6);

        assertThatThrownBy(() -> new PendingCallSerde().deserializer().deserialize("t", truncated))
                .isInstanceOf(SerializationException.class);
    }

    private static Schema without(Schema schema, String... dropped) {
        List<Schema.Field> kept = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            if (!List.of(dropped).contains(field.name())) {
                kept.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
    }

    private static byte[] write(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        return out.toByteArray();
    }
}
