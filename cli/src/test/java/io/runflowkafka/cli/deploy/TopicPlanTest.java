package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.cli.deploy.TopicPlan.Topic;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compose's topics job and the Strimzi KafkaTopics create exactly the topics the services use, alike. */
class TopicPlanTest {

    private final Map<String, Topic> compose =
            TopicPlan.fromScript(DeployTree.deploy().resolve("compose/create-topics.sh"));
    private final Map<String, Topic> strimzi = TopicPlan.fromKafkaTopics(
            Kustomize.render(DeployTree.deploy().resolve("k8s/base")).ofKind("KafkaTopic"));

    @Test
    void shouldCreateEveryTopicTheServicesUseInCompose() {
        assertThat(TopicPlan.usedByServices())
                .contains(
                        "photos.uploaded",
                        "photos.accepted",
                        "photos.retake",
                        "photos.uploaded.dlq",
                        "headshots.jobs",
                        "headshots.jobs.dlq",
                        "headshots.completed",
                        "headshots.completed.dlq",
                        "headshots.archived",
                        "runs.completed");
        assertThat(compose.keySet()).containsExactlyInAnyOrderElementsOf(TopicPlan.usedByServices());
    }

    @Test
    void shouldDeclareOneKafkaTopicPerTopicTheServicesUse() {
        assertThat(strimzi.keySet()).containsExactlyInAnyOrderElementsOf(TopicPlan.usedByServices());
    }

    @Test
    void shouldGiveATopicTheSamePartitionsAndConfigsInComposeAndKubernetes() {
        assertThat(strimzi).isEqualTo(compose);
    }

    @Test
    void shouldKeepEventTopicsUncompactedWithTwelvePartitionsForPhotos() {
        compose.values().forEach(topic -> {
            assertThat(topic.configs()).as(topic.name()).containsEntry("cleanup.policy", "delete");
            assertThat(Long.parseLong(topic.configs().get("retention.ms")))
                    .as(topic.name())
                    .isGreaterThanOrEqualTo(topic.name().endsWith(".dlq") ? 14L * 86_400_000 : 86_400_000L);
        });
        compose.values().stream()
                .filter(t -> t.name().startsWith("photos.") && !t.name().endsWith(".dlq"))
                .forEach(
                        topic -> assertThat(topic.partitions()).as(topic.name()).isEqualTo(12));
    }
}
