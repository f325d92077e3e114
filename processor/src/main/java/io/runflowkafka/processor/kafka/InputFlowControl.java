package io.runflowkafka.processor.kafka;

import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/**
 * Lets a processor pause and resume its task's input partitions on the stream thread it runs on. Where the
 * thread's consumer does not come from {@link ProcessorClientSupplier} (a {@code TopologyTestDriver}), both
 * calls do nothing.
 */
public final class InputFlowControl {

    private InputFlowControl() {}

    /** Stops fetching these input partitions (stream thread only). */
    public static void hold(Collection<TopicPartition> partitions) {
        InputFlowConsumer.current().ifPresent(consumer -> consumer.hold(partitions));
    }

    /** Fetches these input partitions again (stream thread only). */
    public static void release(Collection<TopicPartition> partitions) {
        InputFlowConsumer.current().ifPresent(consumer -> consumer.release(partitions));
    }
}
