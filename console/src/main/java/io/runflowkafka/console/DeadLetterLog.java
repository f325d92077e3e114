package io.runflowkafka.console;

import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The latest dead letters of every dead-letter topic, each with its reason and headers. Header values of secret-like
 * names are masked as the configuration printer masks them, and values are cut to a readable length; the record's
 * value is never shown (it is the original, possibly personal, payload), only its size.
 */
final class DeadLetterLog {

    static final int MAX_PER_TOPIC = 500;
    private static final int MAX_HEADER_CHARS = 500;
    /** What the configuration printer shows for a secret. */
    static final String MASK = "[hidden]";

    /** One dead letter, as the Dead letters view shows it. */
    record Letter(
            String topic,
            int partition,
            long offset,
            long timestamp,
            String key,
            String reason,
            Map<String, String> headers,
            int valueBytes) {}

    private final Map<String, Deque<Letter>> byTopic = new LinkedHashMap<>();
    private final Map<String, Long> totals = new LinkedHashMap<>();

    DeadLetterLog(List<String> topics) {
        topics.forEach(t -> {
            byTopic.put(t, new ArrayDeque<>());
            totals.put(t, 0L);
        });
    }

    synchronized void add(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), shown(header.key(), header.value()));
        }
        String reason = reason(record.headers());
        Deque<Letter> letters = byTopic.computeIfAbsent(record.topic(), t -> new ArrayDeque<>());
        letters.addFirst(new Letter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key() == null ? null : cut(new String(record.key(), StandardCharsets.UTF_8)),
                reason,
                headers,
                record.value() == null ? 0 : record.value().length));
        while (letters.size() > MAX_PER_TOPIC) {
            letters.removeLast();
        }
        totals.merge(record.topic(), 1L, Long::sum);
    }

    /** The latest letters of each topic, newest first. */
    synchronized Map<String, List<Letter>> letters() {
        Map<String, List<Letter>> copy = new LinkedHashMap<>();
        byTopic.forEach((topic, letters) -> copy.put(topic, new ArrayList<>(letters)));
        return copy;
    }

    /** How many letters each topic held in all (not only the latest kept). */
    synchronized Map<String, Long> totals() {
        return new LinkedHashMap<>(totals);
    }

    /** A dead letter's reason: its exception and message headers, or a note that it has none. */
    static String reason(Headers headers) {
        String exception = DeadLetterHeaders.read(headers, DeadLetterHeaders.EXCEPTION);
        String message = DeadLetterHeaders.read(headers, DeadLetterHeaders.MESSAGE);
        String reason = exception == null && message == null
                ? "(no reason header)"
                : (exception == null ? "" : exception + ": ") + (message == null ? "" : message);
        return cut(reason);
    }

    private static String shown(String name, byte[] value) {
        if (value == null) {
            return null;
        }
        if (ServiceConfig.isSecretKey(name)) {
            return MASK;
        }
        return cut(new String(value, StandardCharsets.UTF_8));
    }

    private static String cut(String text) {
        return text.length() <= MAX_HEADER_CHARS ? text : text.substring(0, MAX_HEADER_CHARS) + "…";
    }
}
