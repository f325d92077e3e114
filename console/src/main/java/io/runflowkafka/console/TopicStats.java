package io.runflowkafka.console;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records counted per topic, with a rate over the last minute of record timestamps (not of reading time, so reading a
 * topic's history on start shows no burst).
 */
final class TopicStats {

    static final long WINDOW_MS = 60_000;

    /** One topic's figures, as the Pipeline view shows them. */
    record View(String topic, long records, double perSecond, Long lastAt, long undecodable) {}

    private static final class Counter {
        long records;
        long undecodable;
        long lastAt = -1;
        final Deque<Long> recent = new ArrayDeque<>();
    }

    private final Map<String, Counter> counters = new LinkedHashMap<>();

    private volatile String readerProblem;

    TopicStats(List<String> topics) {
        topics.forEach(t -> counters.put(t, new Counter()));
    }

    /** Why the figures have stopped moving (the reader waits and retries), or null while it reads. */
    String readerProblem() {
        return readerProblem;
    }

    void readerProblem(String problem) {
        readerProblem = problem;
    }

    synchronized void count(String topic, long timestamp, boolean decoded) {
        Counter counter = counters.computeIfAbsent(topic, t -> new Counter());
        counter.records++;
        if (!decoded) {
            counter.undecodable++;
        }
        counter.lastAt = Math.max(counter.lastAt, timestamp);
        long now = System.currentTimeMillis();
        if (timestamp >= now - WINDOW_MS) {
            counter.recent.addLast(timestamp);
        }
        trim(counter, now);
    }

    synchronized List<View> views(long now) {
        return counters.entrySet().stream()
                .map(e -> {
                    Counter c = e.getValue();
                    trim(c, now);
                    return new View(
                            e.getKey(),
                            c.records,
                            c.recent.size() / (WINDOW_MS / 1000.0),
                            c.lastAt < 0 ? null : c.lastAt,
                            c.undecodable);
                })
                .toList();
    }

    private static void trim(Counter counter, long now) {
        // Timestamps arrive about in order per topic; dropping from the head keeps the deque to a minute's worth.
        while (!counter.recent.isEmpty() && counter.recent.peekFirst() < now - WINDOW_MS) {
            counter.recent.removeFirst();
        }
        while (counter.recent.size() > 1_000_000) {
            counter.recent.removeFirst();
        }
    }
}
