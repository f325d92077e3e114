package io.runflowkafka.console;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Dead letters view's replay: a dry run first, which hands out a one-time confirmation; only that confirmation,
 * for that topic and within {@link #CONFIRMATION_TTL}, starts the real replay, which sends no more than the dry run
 * listed and is refused when the group moved since. The work is {@link DeadLetterReplay}'s,
 * the same as {@code runflow-kafka dlq replay}'s, with the same consumer group, so a replay from either side resumes
 * where the other stopped. One replay at a time.
 */
final class ReplayDesk {

    static final Duration CONFIRMATION_TTL = Duration.ofMinutes(5);
    private static final Duration IDLE = Duration.ofSeconds(3);
    private static final int MAX_LINES = 200;

    /** What a dry run or a replay reported; {@code confirmation} is set by a dry run only. */
    record Report(String topic, boolean dryRun, int records, int skipped, List<String> lines, String confirmation) {}

    /** A dry run's confirmation: good for its topic, until it expires, for no more than the dry run listed. */
    private record Pending(String topic, long expiresAt, DeadLetterReplay.Listed listed) {}

    private final ConsoleSettings settings;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    ReplayDesk(ConsoleSettings settings) {
        this.settings = settings;
    }

    boolean isDeadLetterTopic(String topic) {
        return settings.topics().deadLetters().contains(topic);
    }

    synchronized Report dryRun(String topic) {
        requireDeadLetterTopic(topic);
        List<String> lines = new ArrayList<>();
        DeadLetterReplay.Result result = DeadLetterReplay.run(request(topic, true, null), line -> add(lines, line));
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String confirmation = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.currentTimeMillis();
        pending.values().removeIf(p -> p.expiresAt() < now);
        pending.put(confirmation, new Pending(topic, now + CONFIRMATION_TTL.toMillis(), result.listed()));
        return new Report(topic, true, result.replayed(), result.skipped(), lines, confirmation);
    }

    /**
     * Replays {@code topic}, given the confirmation of a dry run of it.
     *
     * @throws IllegalArgumentException when the confirmation is unknown, used, expired or for another topic, or
     *     when the replay's group moved since the dry run (so the dry run no longer lists what would be sent)
     */
    synchronized Report replay(String topic, String confirmation) {
        requireDeadLetterTopic(topic);
        Pending confirmed = confirmation == null ? null : pending.remove(confirmation);
        if (confirmed == null
                || !confirmed.topic().equals(topic)
                || confirmed.expiresAt() < System.currentTimeMillis()) {
            throw new IllegalArgumentException("run a dry run of " + topic + " first, then confirm it");
        }
        List<String> lines = new ArrayList<>();
        DeadLetterReplay.Result result;
        try {
            // Bounded by the dry run: what was dead-lettered since it is left for the next dry run.
            result = DeadLetterReplay.run(request(topic, false, confirmed.listed()), line -> add(lines, line));
        } catch (DeadLetterReplay.GroupMovedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new Report(topic, false, result.replayed(), result.skipped(), lines, null);
    }

    private DeadLetterReplay.Request request(String topic, boolean dryRun, DeadLetterReplay.Listed bound) {
        return new DeadLetterReplay.Request(
                settings.bootstrapServers(),
                settings.kafkaProperties(),
                topic,
                null,
                dryRun,
                DeadLetterReplay.DEFAULT_GROUP,
                Integer.MAX_VALUE,
                IDLE,
                bound);
    }

    private void requireDeadLetterTopic(String topic) {
        if (!isDeadLetterTopic(topic)) {
            throw new IllegalArgumentException("not a dead-letter topic of the pipeline: " + topic);
        }
    }

    private static void add(List<String> lines, String line) {
        if (lines.size() < MAX_LINES) {
            lines.add(line);
        } else if (lines.size() == MAX_LINES) {
            lines.add("…");
        }
    }
}
