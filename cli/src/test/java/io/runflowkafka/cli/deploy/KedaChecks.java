package io.runflowkafka.cli.deploy;

import io.runflowkafka.cli.deploy.Kustomize.KubeObject;
import io.runflowkafka.cli.deploy.Kustomize.Rendering;
import io.runflowkafka.cli.deploy.TopicPlan.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What would make a KEDA {@code ScaledObject} scale the wrong thing or beyond use: a target that is not a
 * Deployment of the manifests, replica bounds missing or inverted, a kafka trigger on a topic the manifests do
 * not declare, on a consumer group or bootstrap address the pods do not use, or allowing more replicas than the
 * topic has partitions (the extra consumers would sit idle), and a CPU or memory trigger on pods without
 * requests.
 */
final class KedaChecks {

    static final String API_VERSION = "keda.sh/v1alpha1";

    /** The key naming each consuming service's consumer group. */
    private static final Map<RunflowService, String> GROUP_KEYS =
            Map.of(RunflowService.PROCESSOR, "processor.application-id", RunflowService.SINK, "sink.group-id");

    private static final BiFunction<String, String, String> NO_SECRETS = (secret, key) -> "";

    private KedaChecks() {}

    /** Every problem of the rendering's ScaledObjects. */
    static List<String> problems(Rendering rendering, KubernetesChecks checks) {
        List<String> problems = new ArrayList<>();
        Map<String, Topic> topics = TopicPlan.fromKafkaTopics(rendering.ofKind("KafkaTopic"));
        for (KubeObject scaled : rendering.ofKind("ScaledObject")) {
            if (!API_VERSION.equals(scaled.apiVersion())) {
                problems.add(scaled + ": apiVersion must be " + API_VERSION);
            }
            Map<String, Object> target = Yamls.map(scaled.spec().get("scaleTargetRef"));
            String targetName = Yamls.text(target.get("name"));
            String targetKind =
                    Optional.ofNullable(Yamls.text(target.get("kind"))).orElse("Deployment");
            Optional<KubeObject> deployment = rendering.ofKind(targetKind).stream()
                    .filter(d -> d.name().equals(targetName))
                    .findFirst();
            if (!"Deployment".equals(targetKind) || deployment.isEmpty()) {
                problems.add(scaled + ": scaleTargetRef " + targetKind + "/" + targetName
                        + " is not a Deployment of the manifests");
                continue;
            }
            Object min = scaled.spec().get("minReplicaCount");
            Object max = scaled.spec().get("maxReplicaCount");
            if (!(min instanceof Integer minimum) || !(max instanceof Integer maximum)) {
                problems.add(scaled + ": set minReplicaCount and maxReplicaCount (KEDA's defaults are 0 and 100)");
                continue;
            }
            if (minimum < 1 || maximum < minimum) {
                problems.add(scaled + ": replicas " + minimum + ".." + maximum + " (need 1 <= min <= max)");
            }
            List<Object> triggers = Yamls.list(scaled.spec().get("triggers"));
            if (triggers.isEmpty()) {
                problems.add(scaled + ": no trigger");
            }
            Map<String, Object> container = Yamls.map(
                    Yamls.list(KubernetesChecks.podSpec(deployment.get()).get("containers"))
                            .get(0));
            for (Object entry : triggers) {
                Map<String, Object> trigger = Yamls.map(entry);
                String type = Yamls.text(trigger.get("type"));
                Map<String, Object> metadata = Yamls.map(trigger.get("metadata"));
                if ("kafka".equals(type)) {
                    problems.addAll(kafkaTriggerProblems(scaled, maximum, metadata, container, topics, checks));
                } else if ("cpu".equals(type) || "memory".equals(type)) {
                    if (Yamls.text(Yamls.map(container, "resources", "requests").get(type)) == null) {
                        problems.add(
                                scaled + ": a " + type + " trigger needs resources.requests." + type + " on the pods");
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> kafkaTriggerProblems(
            KubeObject scaled,
            int maxReplicas,
            Map<String, Object> metadata,
            Map<String, Object> container,
            Map<String, Topic> topics,
            KubernetesChecks checks) {
        List<String> problems = new ArrayList<>();
        String topicName = Yamls.text(metadata.get("topic"));
        Topic topic = topics.get(topicName);
        if (topic == null) {
            problems.add(scaled + ": kafka trigger topic " + topicName + " is not a KafkaTopic of the manifests");
        } else if (maxReplicas > topic.partitions()) {
            problems.add(scaled + ": maxReplicaCount " + maxReplicas + " is more than the " + topic.partitions()
                    + " partitions of " + topicName + ": the extra consumers would sit idle");
        }
        if ("true".equals(Yamls.text(metadata.get("allowIdleConsumers")))) {
            problems.add(scaled + ": allowIdleConsumers lets KEDA add replicas no partition is left for");
        }
        Map<String, String> environment = checks.environment(container, NO_SECRETS);
        String bootstrap = Yamls.text(metadata.get("bootstrapServers"));
        if (bootstrap == null || !bootstrap.equals(environment.get("KAFKA_BOOTSTRAP_SERVERS"))) {
            problems.add(scaled + ": kafka trigger bootstrapServers " + bootstrap + " is not the pods' "
                    + environment.get("KAFKA_BOOTSTRAP_SERVERS"));
        }
        String group = Yamls.text(metadata.get("consumerGroup"));
        Optional<RunflowService> service = KubernetesChecks.runflowService(container);
        String groupKey = service.map(GROUP_KEYS::get).orElse(null);
        if (groupKey == null) {
            problems.add(scaled + ": " + service.map(RunflowService::command).orElse("the target")
                    + " consumes nothing: a kafka trigger cannot measure its load");
            return problems;
        }
        String variable = groupKey.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        String used = Optional.ofNullable(environment.get(variable))
                .orElseGet(() -> String.valueOf(
                        service.get().definition().orElseThrow().configKeys().get(groupKey).defaultValue));
        if (!used.equals(group)) {
            problems.add(scaled + ": kafka trigger consumerGroup " + group + " is not the group the "
                    + service.get().command() + " uses (" + used + ", " + groupKey + ")");
        }
        return problems;
    }
}
