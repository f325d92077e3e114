package io.runflowkafka.cli.deploy;

import io.runflowkafka.cli.deploy.Kustomize.KubeObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Topics as each deploy target declares them (compose's {@code create-topics.sh}, Strimzi {@code KafkaTopic}s)
 * and as the services use them (the defaults of their {@code *.topic.*} keys).
 */
final class TopicPlan {

    /** A topic with its partitions and configs; {@code min.insync.replicas} left out, as it follows the cluster. */
    record Topic(String name, int partitions, Map<String, String> configs) {}

    private static final Pattern SHELL_ASSIGNMENT = Pattern.compile("^([A-Z_][A-Z0-9_]*)=([0-9A-Za-z.]+)$");
    private static final Pattern TOPIC_LINE = Pattern.compile("^topic\\s+(\\S+)\\s+(\\d+)((?:\\s+\\S+=\\S+)*)\\s*$");
    private static final String MIN_ISR = "min.insync.replicas";

    private TopicPlan() {}

    /** The default topic names of every service: each key with {@code .topic.} in its name. */
    static Set<String> usedByServices() {
        Set<String> topics = new TreeSet<>();
        for (RunflowService service : RunflowService.values()) {
            service.definition()
                    .ifPresent(definition -> definition.configKeys().values().stream()
                            .filter(key -> key.name.contains(".topic."))
                            .map(key -> (String) key.defaultValue)
                            .forEach(topics::add));
        }
        return topics;
    }

    /** The topics of the compose job's script: its {@code topic NAME PARTITIONS CONFIG=VALUE...} lines. */
    static Map<String, Topic> fromScript(Path script) {
        Map<String, String> shellVariables = new HashMap<>();
        Map<String, Topic> topics = new TreeMap<>();
        for (String line : DeployTree.read(script).split("\\R")) {
            String text = line.strip();
            Matcher assignment = SHELL_ASSIGNMENT.matcher(text);
            if (assignment.matches()) {
                shellVariables.put(assignment.group(1), assignment.group(2));
                continue;
            }
            Matcher topic = TOPIC_LINE.matcher(text);
            if (!topic.matches()) {
                continue;
            }
            Map<String, String> configs = new TreeMap<>();
            for (String config : topic.group(3).strip().split("\\s+")) {
                if (config.isEmpty()) {
                    continue;
                }
                String[] pair = config.split("=", 2);
                configs.put(pair[0], expand(pair[1], shellVariables));
            }
            configs.remove(MIN_ISR);
            topics.put(topic.group(1), new Topic(topic.group(1), Integer.parseInt(topic.group(2)), configs));
        }
        return topics;
    }

    private static String expand(String value, Map<String, String> variables) {
        if (value.startsWith("$")) {
            String name = value.replaceAll("[${}]", "");
            String expanded = variables.get(name);
            if (expanded == null) {
                throw new IllegalArgumentException("the topic script uses $" + name + " before setting it");
            }
            return expanded;
        }
        return value;
    }

    /** The topics of Strimzi {@code KafkaTopic} objects (name from {@code spec.topicName}, else the object's). */
    static Map<String, Topic> fromKafkaTopics(Iterable<KubeObject> kafkaTopics) {
        Map<String, Topic> topics = new TreeMap<>();
        for (KubeObject object : kafkaTopics) {
            Map<String, Object> spec = object.spec();
            String name = Yamls.text(spec.get("topicName")) != null ? Yamls.text(spec.get("topicName")) : object.name();
            Map<String, String> configs = new TreeMap<>();
            Yamls.map(spec.get("config")).forEach((key, value) -> configs.put(key, Yamls.text(value)));
            configs.remove(MIN_ISR);
            Object partitions = spec.get("partitions");
            topics.put(name, new Topic(name, partitions instanceof Integer n ? n : -1, configs));
        }
        return topics;
    }
}
