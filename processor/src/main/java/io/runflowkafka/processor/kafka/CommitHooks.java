package io.runflowkafka.processor.kafka;

import org.apache.kafka.common.TopicPartition;

/**
 * Lets a processor act once the transaction it is writing in has committed: for a call that must not be made
 * for a decision that could still be aborted (Runflow has no idempotency key, so a Generate Headshots request
 * sent from an aborted transaction is a second job that nothing counts).
 */
public final class CommitHooks {

    private CommitHooks() {}

    /**
     * Runs {@code action} on the calling stream thread right after its next transaction commits with the offset of
     * {@code input}, the task's input partition (it is dropped if the transaction aborts, or commits without that
     * offset: the task is then closed and its state restored from the changelog).
     *
     * @return false when commits cannot be observed on this thread (a {@code TopologyTestDriver}, or clients not
     *     from {@link ProcessorClientSupplier}): the caller should act at once
     */
    public static boolean afterNextCommit(TopicPartition input, Runnable action) {
        return InputFlowConsumer.current()
                .map(InputFlowConsumer::producer)
                .map(producer -> producer.afterNextCommit(input, action))
                .orElse(false);
    }
}
