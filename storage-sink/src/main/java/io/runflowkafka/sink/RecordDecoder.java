package io.runflowkafka.sink;

import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.SchemaRegistryAuthException;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import io.runflowkafka.sink.archive.Manifest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one input record and hands its event to the archiver. Every failure becomes an {@link Outcome}: bytes
 * that are not a HeadshotsCompleted are dead-lettered, an unavailable Schema Registry or an unexpected failure of
 * the archiver is retried.
 */
final class RecordDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    private final Deserializer<HeadshotsCompleted> deserializer;
    private final Archiver archiver;

    RecordDecoder(Deserializer<HeadshotsCompleted> deserializer, Archiver archiver) {
        this.deserializer = deserializer;
        this.archiver = archiver;
    }

    /** Decodes and archives {@code record}; runs on an event thread. */
    Outcome handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return new Outcome.DeadLetter(Stage.DECODE, "record has no value (a tombstone)");
        }
        HeadshotsCompleted event;
        try {
            event = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (SchemaRegistryUnavailableException | SchemaRegistryAuthException e) {
            return new Outcome.Retry(Stage.DECODE, "Schema Registry: " + e.getMessage());
        } catch (SerializationException e) {
            return new Outcome.DeadLetter(Stage.DECODE, e.getClass().getName(), e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome.DeadLetter(Stage.DECODE, e.getClass().getName(), "cannot decode: " + e.getMessage());
        }
        try {
            return archiver.archive(event, new Manifest.Source(record.topic(), record.partition(), record.offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(Stage.DOWNLOAD, "interrupted");
        } catch (RuntimeException e) {
            LOG.error("unexpected failure archiving job {}; will retry", event.getHeadshotsId(), e);
            return new Outcome.Retry(Stage.ARCHIVE, "unexpected " + e.getClass().getSimpleName());
        }
    }
}
