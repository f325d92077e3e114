package io.runflowkafka.cli.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The alert rules of {@code deploy/prometheus/}, as Prometheus reads them. */
final class PrometheusRules {

    /** One alerting rule. */
    record Alert(String name, String expression, Map<String, Object> labels, Map<String, Object> annotations) {}

    static final Path DIR = DeployTree.deploy().resolve("prometheus");
    static final Path RULES = DIR.resolve("runflow-kafka-rules.yml");
    static final Path RULE_TESTS = DIR.resolve("runflow-kafka-rules.test.yml");

    private PrometheusRules() {}

    /** Every alerting rule of the rules file, in file order. */
    static List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>();
        for (Object group : Yamls.list(DeployTree.yamlMapping(RULES).get("groups"))) {
            for (Object entry : Yamls.list(Yamls.map(group).get("rules"))) {
                Map<String, Object> rule = Yamls.map(entry);
                if (rule.containsKey("alert")) {
                    alerts.add(new Alert(
                            Yamls.text(rule.get("alert")),
                            Yamls.text(rule.get("expr")),
                            Yamls.map(rule.get("labels")),
                            Yamls.map(rule.get("annotations"))));
                }
            }
        }
        return alerts;
    }
}
