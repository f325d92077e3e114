package io.runflowkafka.common.kafka;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Whether a service creates its missing topics on start, and how: the common keys {@code topics.create},
 * {@code topics.partitions} and {@code topics.replication}, read by {@code ServiceConfig.topicCreation()}.
 *
 * @param enabled create missing topics
 * @param partitions partitions of a created topic
 * @param replication replication factor of a created topic; -1 takes the broker's default
 */
public record TopicCreation(boolean enabled, int partitions, short replication) {

    /** Creates those of {@code names} that do not exist yet, when enabled, with {@code admin}. */
    public void ensure(Admin admin, Collection<String> names) {
        if (enabled) {
            Topics.ensure(
                    admin,
                    names.stream()
                            .map(name -> Topics.topic(name, partitions, replication))
                            .toList());
        }
    }

    /** Creates those of {@code names} that do not exist yet, when enabled, with an admin client of its own. */
    public void ensure(Map<String, Object> kafka, Collection<String> names) {
        if (enabled) {
            try (Admin admin = Admin.create(kafka)) {
                ensure(admin, names);
            }
        }
    }
}
