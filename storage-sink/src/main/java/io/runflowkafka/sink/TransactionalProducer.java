package io.runflowkafka.sink;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka transactions: writes output records and commits input offsets atomically. A failed transaction is
 * aborted; a producer that was fenced (or cannot abort) is replaced by a new one, which fences nothing of ours.
 * Either way nothing was committed and the caller redoes the events. Touched only by the loop thread.
 */
final class TransactionalProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducer.class);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private Producer<byte[], byte[]> producer;

    /** @param producers makes a transactional producer; called again to replace a fenced one */
    TransactionalProducer(Supplier<Producer<byte[], byte[]>> producers) {
        this.producers = producers;
    }

    /** Creates the producer and initialises its transactions. */
    void open() {
        producer = newProducer();
    }

    /**
     * Writes {@code output} and commits {@code offsets} for the consumer group {@code group} in one transaction.
     *
     * @return false when nothing was committed
     * @throws AuthenticationException when Kafka refuses the credentials
     * @throws AuthorizationException when Kafka refuses the ACLs
     */
    boolean commit(
            List<ProducerRecord<byte[], byte[]>> output,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            Supplier<ConsumerGroupMetadata> group) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : output) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(offsets, group.get());
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            // Another producer took our transactional id: this one can do nothing more. Replace it; the events are
            // redone.
            LOG.warn(
                    "transactional producer fenced ({}); replacing it and redoing the events",
                    e.getClass().getSimpleName());
            replace();
            return false;
        } catch (AuthenticationException | AuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            // Includes a commit refused because the group rebalanced: abort, and redo what is still ours.
            LOG.warn("transaction failed ({}); aborting it and redoing the events", e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                LOG.warn("abort failed ({}); replacing the producer", abortFailure.toString());
                replace();
            }
            return false;
        }
    }

    private Producer<byte[], byte[]> newProducer() {
        Producer<byte[], byte[]> created = producers.get();
        created.initTransactions();
        return created;
    }

    private void replace() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("closing the fenced producer failed: {}", e.toString());
        }
        producer = newProducer();
    }

    /** Closes the producer (at most 5 s), quietly; an open transaction is aborted by the broker. */
    @Override
    public void close() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the producer failed: {}", e.toString());
            }
        }
    }
}
