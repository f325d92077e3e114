package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import io.runflowkafka.sink.archive.Manifest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

    private static final HeadshotsCompleted EVENT = HeadshotsCompleted.newBuilder()
            .setHeadshotsId("job-a")
            .setJobRef("ref")
            .setImageUrls(List.of("https://cdn.runflow.io/1.jpg"))
            .setDeliveryId("d")
            .setReceivedAt(Instant.EPOCH)
            .setExpiresAt(Instant.EPOCH)
            .build();
    private static final Outcome ARCHIVED = new Outcome.Retry(Stage.DOWNLOAD, "stands for whatever the archiver says");

    private final AtomicReference<Manifest.Source> archivedFrom = new AtomicReference<>();
    private final Archiver archiver = (event, source) -> {
        archivedFrom.set(source);
        return ARCHIVED;
    };

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>("headshots.completed", 3, 42, "job-a".getBytes(), value);
    }

    private static Deserializer<HeadshotsCompleted> failingWith(RuntimeException failure) {
        return (topic, data) -> {
            throw failure;
        };
    }

    @Test
    void shouldHandTheDecodedEventAndWhereItWasReadToTheArchiver() {
        RecordDecoder decoder = new RecordDecoder((topic, data) -> EVENT, archiver);

        assertThat(decoder.handle(record(new byte[] {1}))).isSameAs(ARCHIVED);
        assertThat(archivedFrom.get()).isEqualTo(new Manifest.Source("headshots.completed", 3, 42));
    }

    @Test
    void shouldDeadLetterATombstoneAndUndecodableBytesWithoutArchiving() {
        RecordDecoder decoder =
                new RecordDecoder(failingWith(new SerializationException("unknown magic byte")), archiver);

        assertThat(decoder.handle(record(null)))
                .isEqualTo(new Outcome.DeadLetter(Stage.DECODE, "record has no value (a tombstone)"));
        assertThat(decoder.handle(record(new byte[] {1, 2, 3})))
                .isEqualTo(new Outcome.DeadLetter(
                        Stage.DECODE, SerializationException.class.getName(), "unknown magic byte"));
        assertThat(archivedFrom.get()).isNull();
    }

    @Test
    void shouldRetryWhenTheSchemaRegistryIsUnavailable() {
        RecordDecoder decoder = new RecordDecoder(
                failingWith(new SchemaRegistryUnavailableException("connection refused", null)), archiver);

        assertThat(decoder.handle(record(new byte[] {1})))
                .isEqualTo(new Outcome.Retry(Stage.DECODE, "Schema Registry: connection refused"));
    }

    @Test
    void shouldRetryAnUnexpectedFailureOfTheArchiver() {
        RecordDecoder decoder = new RecordDecoder((topic, data) -> EVENT, (event, source) -> {
            throw new IllegalStateException("bug");
        });

        assertThat(decoder.handle(record(new byte[] {1})))
                .isEqualTo(new Outcome.Retry(Stage.ARCHIVE, "unexpected IllegalStateException"));
    }
}
