package io.runflowkafka.sink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Flow control: the events in flight, per partition in input order, and which partitions may be fetched. A
 * partition is fetched only while the window has room and it is not backing off. Finished events waiting for
 * their transaction do not take room (they download nothing), up to a cap that bounds what a slow event at the
 * head of a partition can hold back. Touched only by the loop thread.
 */
final class InFlightWindow {

    private final int maxEventsInFlight;
    private final Map<TopicPartition, Deque<Work>> inFlight = new HashMap<>();
    private int count;

    InFlightWindow(int maxEventsInFlight) {
        this.maxEventsInFlight = maxEventsInFlight;
    }

    /** Adds {@code record}, whose handling is {@code outcome}, behind the events of its partition. */
    void add(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, CompletableFuture<Outcome> outcome) {
        inFlight.computeIfAbsent(partition, key -> new ArrayDeque<>()).addLast(new Work(record, outcome));
        count++;
    }

    /** Whether no event is in flight. */
    boolean isEmpty() {
        return count == 0;
    }

    /** The partitions that have (or had) events in flight; a live view. */
    Set<TopicPartition> partitions() {
        return inFlight.keySet();
    }

    /** The first event of {@code partition} if it has finished; null otherwise (or when there is none). */
    Work finishedHead(TopicPartition partition) {
        Deque<Work> queue = inFlight.get(partition);
        if (queue == null || queue.isEmpty() || !queue.peekFirst().outcome().isDone()) {
            return null;
        }
        return queue.peekFirst();
    }

    /** Removes the first event of {@code partition}, once it is taken into a transaction. */
    void removeHead(TopicPartition partition) {
        inFlight.get(partition).pollFirst();
        count--;
    }

    /** Drops every event of {@code partition} (after a rewind or a revocation); their outcomes are ignored. */
    void drop(TopicPartition partition) {
        Deque<Work> dropped = inFlight.remove(partition);
        if (dropped != null) {
            count -= dropped.size();
        }
    }

    /** Pauses the partitions that may not be fetched now and resumes the others. */
    void pauseOrResume(Consumer<?, ?> consumer, PartitionBackoffs backoffs, long nowNanos) {
        long running = inFlight.values().stream()
                .flatMap(Deque::stream)
                .filter(work -> !work.outcome().isDone())
                .count();
        boolean room = running < maxEventsInFlight && count < 4L * maxEventsInFlight;
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            boolean fetch = room && backoffs.mayFetch(partition, nowNanos);
            if (fetch && paused.contains(partition)) {
                resume.add(partition);
            } else if (!fetch && !paused.contains(partition)) {
                pause.add(partition);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** One record in flight and its outcome. */
    record Work(ConsumerRecord<byte[], byte[]> record, CompletableFuture<Outcome> outcome) {}
}
