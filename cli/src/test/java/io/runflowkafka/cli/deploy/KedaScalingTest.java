package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.cli.deploy.Kustomize.KubeObject;
import io.runflowkafka.cli.deploy.Kustomize.Rendering;
import io.runflowkafka.cli.deploy.TopicPlan.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The KEDA ScaledObjects of the example overlay: one per service, the processor never allowed more replicas than
 * its input topic has partitions in the topic plan, and the checks catch each way of getting them wrong.
 */
class KedaScalingTest {

    private static final Path K8S = DeployTree.deploy().resolve("k8s");
    private static final Path SECRETS_EXAMPLE = K8S.resolve("secrets.example.yaml");

    private static Rendering overlay() {
        return Kustomize.render(K8S.resolve("overlays/example"));
    }

    private static KubeObject scaledObject(Rendering rendering, String name) {
        return rendering.ofKind("ScaledObject").stream()
                .filter(o -> o.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ScaledObject " + name));
    }

    @Test
    void shouldScaleEachServiceByOneScaledObject() {
        Rendering rendering = overlay();

        assertThat(rendering.ofKind("ScaledObject"))
                .extracting(o -> Yamls.text(o.spec(), "scaleTargetRef", "name"))
                .containsExactlyInAnyOrderElementsOf(rendering.ofKind("Deployment").stream()
                        .map(KubeObject::name)
                        .toList());
        assertThat(Kustomize.render(K8S.resolve("base")).ofKind("ScaledObject"))
                .as("the base applies to a cluster without KEDA")
                .isEmpty();
    }

    @Test
    void shouldNeverGiveTheProcessorMoreReplicasThanItsInputTopicHasPartitions() {
        Rendering rendering = overlay();
        Map<String, Topic> plan = TopicPlan.fromKafkaTopics(rendering.ofKind("KafkaTopic"));
        String input = (String) RunflowService.PROCESSOR
                .definition()
                .orElseThrow()
                .configKeys()
                .get("processor.topic.uploaded")
                .defaultValue;
        KubeObject processor = scaledObject(rendering, "runflow-kafka-processor");

        assertThat(plan).containsKey(input);
        assertThat(processor.spec().get("maxReplicaCount"))
                .as("maxReplicaCount of the processor = partitions of " + input + " in topics.yaml")
                .isEqualTo(plan.get(input).partitions());
        assertThat(triggers(processor))
                .extracting(t -> Yamls.text(Yamls.map(t.get("metadata")).get("topic")))
                .contains(input);
    }

    @Test
    void shouldScaleTheConsumersOnLagAndTheBridgeOnCpu() {
        Rendering rendering = overlay();

        assertThat(triggers(scaledObject(rendering, "runflow-kafka-sink")))
                .extracting(t -> t.get("type"))
                .containsOnly("kafka");
        assertThat(triggers(scaledObject(rendering, "runflow-kafka-bridge")))
                .extracting(t -> t.get("type"))
                .containsExactly("cpu");
    }

    @Test
    void shouldReportAScaledObjectPastThePartitionsOnAnotherGroupOrWithoutATarget() {
        Rendering rendering = overlay();
        KubeObject processor = scaledObject(rendering, "runflow-kafka-processor");
        processor.spec().put("maxReplicaCount", 13);
        Yamls.map(triggers(processor).get(0).get("metadata")).put("consumerGroup", "processor");
        KubeObject sink = scaledObject(rendering, "runflow-kafka-sink");
        Yamls.map(sink.spec().get("scaleTargetRef")).put("name", "runflow-kafka-sinks");
        KubeObject bridge = scaledObject(rendering, "runflow-kafka-bridge");
        bridge.spec().put("triggers", List.of(Map.of("type", "kafka", "metadata", Map.of("topic", "photos.uploaded"))));

        List<String> problems = KubernetesChecks.of(rendering, SECRETS_EXAMPLE).problems();

        assertThat(problems)
                .anySatisfy(p ->
                        assertThat(p).contains("maxReplicaCount 13 is more than the 12 partitions of photos.uploaded"))
                .anySatisfy(p -> assertThat(p)
                        .contains(
                                "consumerGroup processor is not the group the processor uses (runflow-kafka-processor"))
                .anySatisfy(p ->
                        assertThat(p).contains("scaleTargetRef Deployment/runflow-kafka-sinks is not a Deployment"))
                .anySatisfy(p -> assertThat(p).contains("bridge consumes nothing"));
    }

    @Test
    void shouldDocumentTheAutoscalingInTheReadme() {
        String readme = DeployTree.read(DeployTree.deploy().resolve("README.md"));
        assertThat(readme).contains("ScaledObject", "maxReplicaCount", "autoscaling.yaml");
    }

    private static List<Map<String, Object>> triggers(KubeObject scaled) {
        return Yamls.list(scaled.spec().get("triggers")).stream()
                .map(Yamls::map)
                .toList();
    }
}
