package io.runflowkafka.processor.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final List<Runnable> afterCommit = new ArrayList<>();

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
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata groupMetadata) throws ProducerFencedException {
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
        List<Runnable> actions = List.copyOf(afterCommit);
        afterCommit.clear();
        actions.forEach(Runnable::run);
    }

    @Override
    public void abortTransaction() throws ProducerFencedException {
        sentInTransaction = false;
        afterCommit.clear();
        super.abortTransaction();
    }

    /** Runs {@code action} after the next successful commit (stream thread only). */
    boolean afterNextCommit(Runnable action) {
        afterCommit.add(action);
        return true;
    }
}
