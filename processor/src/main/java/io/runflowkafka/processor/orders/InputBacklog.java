package io.runflowkafka.processor.orders;

/**
 * Tells the order collector whether every photo uploaded before a given time has reached it: the quality
 * gate has read it from {@code photos.uploaded}, answered it, and the collector has read its accepted record.
 * It is the wall-clock guard of the idle time-out (see {@link OrderCollector}): an order is submitted on the
 * wall clock only when its input partition has no backlog left from before the order's deadline.
 */
@FunctionalInterface
public interface InputBacklog {

    /**
     * @param partition the collector task's partition (of {@code photos.accepted}, and by the shared key, of
     *     {@code photos.uploaded})
     * @param since a wall-clock time (ms)
     * @return true when a check begun at or after {@code since} found no upload of that partition still on its
     *     way to the collector
     */
    boolean caughtUp(int partition, long since);
}
