package io.runflowkafka.common.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates a service's missing topics on start, leaving existing ones untouched. */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {}

    /** A topic to create with the given partitions; replication -1 takes the broker's default. */
    public static NewTopic topic(String name, int partitions, short replication) {
        return new NewTopic(
                name, Optional.of(partitions), replication < 0 ? Optional.empty() : Optional.of(replication));
    }

    /** Creates those of {@code topics} that do not exist yet; waits at most 30 s. */
    public static void ensure(Admin admin, Collection<NewTopic> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.info("created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new KafkaException(
                    "cannot create topics "
                            + topics.stream().map(NewTopic::name).toList() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Kafka did not answer within 30 s while creating topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        }
    }
}
