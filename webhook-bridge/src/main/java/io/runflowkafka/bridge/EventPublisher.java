package io.runflowkafka.bridge;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Writes events to Kafka without blocking the caller for the acknowledgement. */
interface EventPublisher extends AutoCloseable {

    /**
     * Sends one event.
     *
     * @param event what to write
     * @return completes with the record's position once Kafka acknowledged it (acks=all), or exceptionally
     * @throws RuntimeException when the event cannot even be handed to the producer (serialization, registry,
     *     a full buffer); the caller answers 503 either way
     */
    CompletableFuture<RecordMetadata> publish(OutgoingEvent event);

    /** Sends what is buffered, waiting at most the configured time, and releases the producer. */
    @Override
    void close();
}
