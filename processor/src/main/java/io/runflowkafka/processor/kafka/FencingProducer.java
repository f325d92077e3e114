package io.runflowkafka.processor.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread's transactional producer that never commits records without an offset commit.
 *
 * <p>Why: under {@code exactly_once_v2} a zombie (an instance that lost its tasks during a pause and does not
 * know it yet) is fenced only by the group generation check of the offset commit inside its transaction, and
 * the producer skips that commit when there are no offsets. A task that consumed nothing since it was assigned
 * has none, yet it forwards the answers of the calls it re-issued from its store. So when a transaction that
 * carries records has no offsets, this producer adds one that changes nothing: the group's own committed offset
 * of a partition the thread owns (see {@link InputFlowConsumer#unchangedCommit}). A zombie's commit then fails
 * with a fencing error and its transaction is aborted.
 */
final class FencingProducer extends KafkaProducer<byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(FencingProducer.class);

    private final Supplier<InputFlowConsumer> consumer;
    private boolean sentInTransaction;
    /** Actions to run after the commit of the current transaction, each with the input partition it is for. */
    private final List<Map.Entry<TopicPartition, Runnable>> afterCommit = new ArrayList<>();

    private Set<TopicPartition> offsetsInTransaction = Set.of();

    FencingProducer(Map<String, Object> config, Supplier<InputFlowConsumer> consumer) {
        super(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.consumer = consumer;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        sentInTransaction = true;
        return super.send(record, callback);
    }

    @Override
    public void sendOffsetsToTransaction(
            Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata)
            throws ProducerFencedException {
        offsetsInTransaction = Set.copyOf(offsets.keySet());
        if (offsets.isEmpty() && sentInTransaction) {
            InputFlowConsumer main = consumer.get();
            Map<TopicPartition, OffsetAndMetadata> unchanged = main == null ? Map.of() : main.unchangedCommit();
            if (unchanged.isEmpty()) {
                LOG.warn("a transaction with records but no offsets could not be given a fencing offset commit "
                        + "(no assigned partition): it is committed without the group generation check");
            }
            super.sendOffsetsToTransaction(unchanged, groupMetadata);
            return;
        }
        super.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void commitTransaction() throws ProducerFencedException {
        super.commitTransaction();
        sentInTransaction = false;
        List<Map.Entry<TopicPartition, Runnable>> actions = List.copyOf(afterCommit);
        Set<TopicPartition> committed = offsetsInTransaction;
        afterCommit.clear();
        offsetsInTransaction = Set.of();
        for (Map.Entry<TopicPartition, Runnable> action : actions) {
            // Kafka Streams may commit the other tasks while leaving out one it found corrupted; that task's own
            // decisions were not committed with its input, so its actions are dropped (the task is revived).
            if (!committed.contains(action.getKey())) {
                continue;
            }
            try {
                action.getValue().run();
            } catch (RuntimeException e) {
                LOG.error("an action after a commit failed; the others still run", e);
            }
        }
    }

    @Override
    public void abortTransaction() throws ProducerFencedException {
        sentInTransaction = false;
        afterCommit.clear();
        offsetsInTransaction = Set.of();
        super.abortTransaction();
    }

    /**
     * Runs {@code action} after the next successful commit that carries the offset of {@code input}, the task's
     * input partition (stream thread only).
     */
    boolean afterNextCommit(TopicPartition input, Runnable action) {
        afterCommit.add(Map.entry(input, action));
        return true;
    }
}
