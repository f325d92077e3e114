package io.runflowkafka.sink;

import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebalances: a revoked partition commits what it finished (still its owner then) and drops the rest, which its
 * new owner redoes cheaply (the archive is idempotent); a lost partition (no longer ours) only drops. The
 * callbacks run inside {@code poll}, on the loop thread.
 */
final class RebalanceHandler implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(RebalanceHandler.class);

    private final InOrderCommitter committer;
    private final InFlightWindow window;
    private final PartitionBackoffs backoffs;

    RebalanceHandler(InOrderCommitter committer, InFlightWindow window, PartitionBackoffs backoffs) {
        this.committer = committer;
        this.window = window;
        this.backoffs = backoffs;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Still the owner here: commit what is finished so the new owner does not redo it.
        committer.commitFinished(partitions);
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            LOG.info("assigned {}", partitions);
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            window.drop(partition);
            backoffs.reset(partition);
        }
        if (!partitions.isEmpty()) {
            LOG.info("revoked {}", partitions);
        }
    }
}
