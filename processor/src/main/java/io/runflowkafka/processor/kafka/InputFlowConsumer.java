package io.runflowkafka.processor.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread's main consumer that the processor can ask to leave input partitions paused: the input then
 * waits in Kafka (its lag visible) instead of in the processor's memory. Kafka Streams pauses and resumes
 * partitions itself to bound its own buffers; a partition is fetched only when neither holds it.
 *
 * <p>While the processor waits for answers, a poll waits at most the drain interval: answers are forwarded, and the
 * calls behind them started, on the stream thread, which would otherwise sit in a poll of paused partitions for
 * {@code poll.ms}.
 *
 * <p>All of it runs on the stream thread that owns the consumer, as Kafka's consumer requires: the processor
 * finds the consumer through {@link #current()}, bound to the thread by {@link #poll(Duration)}.
 */
final class InputFlowConsumer extends KafkaConsumer<byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(InputFlowConsumer.class);
    private static final ThreadLocal<InputFlowConsumer> CURRENT = new ThreadLocal<>();
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** Well inside a transaction time-out: the lookup runs while the transaction is open. */
    private static final Duration FENCING_LOOKUP_TIMEOUT = Duration.ofSeconds(3);

    private final Runnable onClose;
    private final Supplier<Optional<Duration>> longestPoll;
    private volatile FencingProducer producer;
    private final Set<TopicPartition> pausedByStreams = new HashSet<>();
    private final Set<TopicPartition> heldByProcessor = new HashSet<>();

    /**
     * @param longestPoll how long a poll may wait now (empty: as long as Kafka Streams asks)
     */
    InputFlowConsumer(Map<String, Object> config, Supplier<Optional<Duration>> longestPoll, Runnable onClose) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.longestPoll = longestPoll;
        this.onClose = onClose;
    }

    /** The transactional producer of the same stream thread, if there is one (exactly-once). */
    FencingProducer producer() {
        return producer;
    }

    void producer(FencingProducer producer) {
        this.producer = producer;
    }

    /** The main consumer of the calling stream thread, if it runs on one that has polled. */
    static Optional<InputFlowConsumer> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        CURRENT.set(this);
        Duration wait = longestPoll
                .get()
                .filter(longest -> longest.compareTo(timeout) < 0)
                .orElse(timeout);
        return super.poll(wait);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        super.subscribe(topics, forgetting(listener));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, forgetting(listener));
    }

    /**
     * A partition that leaves this consumer is no longer held: its task was closed (cleanly or not), and a task
     * that gets it back holds it again only if it has to.
     */
    private ConsumerRebalanceListener forgetting(ConsumerRebalanceListener listener) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                heldByProcessor.removeAll(partitions);
                listener.onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                listener.onPartitionsAssigned(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                heldByProcessor.removeAll(partitions);
                listener.onPartitionsLost(partitions);
            }
        };
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        pausedByStreams.addAll(partitions);
        super.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        pausedByStreams.removeAll(partitions);
        super.resume(without(partitions, heldByProcessor));
    }

    /** Stops fetching these partitions until {@link #release} (the ones no longer assigned are ignored). */
    void hold(Collection<TopicPartition> partitions) {
        Collection<TopicPartition> assigned = assignedOf(partitions);
        if (heldByProcessor.addAll(assigned)) {
            super.pause(assigned);
        }
    }

    /** Fetches these partitions again, unless Kafka Streams itself keeps them paused. */
    void release(Collection<TopicPartition> partitions) {
        if (heldByProcessor.removeAll(partitions)) {
            super.resume(assignedOf(without(partitions, pausedByStreams)));
        }
    }

    /**
     * An offset commit that changes nothing: the group's committed offset of one assigned partition, as it is. Sent
     * in a transaction that has no offsets of its own, it makes the group coordinator check this member's
     * generation, which fences a zombie.
     */
    Map<TopicPartition, OffsetAndMetadata> unchangedCommit() {
        TreeSet<TopicPartition> assigned = new TreeSet<>(ORDER);
        assigned.addAll(assignment());
        if (assigned.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committed(assigned, FENCING_LOOKUP_TIMEOUT);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                return Map.of(partition, offset);
            }
        }
        // Nothing committed yet on any assigned partition: its first offset is where Kafka Streams starts anyway.
        TopicPartition first = assigned.first();
        long start = beginningOffsets(Set.of(first), FENCING_LOOKUP_TIMEOUT).get(first);
        LOG.debug("fencing offset commit for {} at its beginning ({}): nothing committed yet", first, start);
        return Map.of(first, new OffsetAndMetadata(start));
    }

    @Override
    public void close(Duration timeout) {
        onClose.run();
        super.close(timeout);
    }

    @Override
    public void close() {
        onClose.run();
        super.close();
    }

    private Collection<TopicPartition> assignedOf(Collection<TopicPartition> partitions) {
        Set<TopicPartition> assigned = assignment();
        return partitions.stream().filter(assigned::contains).toList();
    }

    private static Collection<TopicPartition> without(
            Collection<TopicPartition> partitions, Set<TopicPartition> excluded) {
        Collection<TopicPartition> rest = new ArrayList<>(partitions);
        rest.removeAll(excluded);
        return rest;
    }
}
