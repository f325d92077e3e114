package io.runflowkafka.cli.deploy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One Prometheus text exposition, as {@code GET /metrics} answers it. */
record Scrape(String application, String text) {

    /** The sample lines ({@code name{labels} value}), comments left out. */
    List<String> samples() {
        return text.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
    }

    /** The metric name of every sample. */
    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (String line : samples()) {
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** Whether a sample of {@code name} carries {@code le="bound"}. */
    boolean hasBucket(String name, String bound) {
        return samples().stream()
                .anyMatch(line -> line.startsWith(name + "{") && line.contains("le=\"" + bound + "\""));
    }
}
