package io.runflowkafka.processor;

import io.runflowkafka.common.kafka.Topics;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Whether the processor creates its missing topics on start, and how.
 *
 * @param enabled create them ({@code topics.create})
 * @param partitions partitions of a created topic
 * @param replication replication factor of a created topic; -1 takes the broker's default
 */
record TopicCreation(boolean enabled, int partitions, short replication) {

    /** Creates those of {@code names} that do not exist yet, when enabled; waits at most 30 s. */
    void ensure(Map<String, Object> kafka, Collection<String> names) {
        if (!enabled) {
            return;
        }
        try (Admin admin = Admin.create(kafka)) {
            Topics.ensure(
                    admin,
                    names.stream()
                            .map(name -> Topics.topic(name, partitions, replication))
                            .toList());
        }
    }
}
