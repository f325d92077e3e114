package io.runflowkafka.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard of {@code deploy/grafana/}: its panels and the PromQL they and its variables run. */
final class GrafanaDashboard {

    static final Path FILE = DeployTree.deploy().resolve("grafana/runflow-kafka.json");

    /** {@code label_values(metric, label)}: Grafana's variable query, not PromQL; the metric is what it reads. */
    private static final Pattern LABEL_VALUES =
            Pattern.compile("label_values\\(\\s*([^,]+?)\\s*,\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)");

    private GrafanaDashboard() {}

    static JsonNode json() {
        try {
            return new ObjectMapper().readTree(FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }

    /** Every query, keyed by where it is ({@code panel <title> #<refId>}, {@code variable <name>}). */
    static Map<String, String> expressions() {
        JsonNode dashboard = json();
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            collect(panel, expressions);
            for (JsonNode nested : panel.path("panels")) {
                collect(nested, expressions);
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String query = variable.path("query").isObject()
                    ? variable.path("query").path("query").asText()
                    : variable.path("query").asText();
            Matcher labelValues = LABEL_VALUES.matcher(query);
            if ("query".equals(variable.path("type").asText()) && labelValues.find()) {
                expressions.put("variable " + variable.path("name").asText(), labelValues.group(1));
            }
        }
        return expressions;
    }

    private static void collect(JsonNode panel, Map<String, String> expressions) {
        for (JsonNode target : panel.path("targets")) {
            String expression = target.path("expr").asText("");
            if (!expression.isBlank()) {
                expressions.put(
                        "panel " + panel.path("title").asText() + " #"
                                + target.path("refId").asText(),
                        expression);
            }
        }
    }
}
