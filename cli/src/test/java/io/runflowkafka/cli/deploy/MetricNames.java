package io.runflowkafka.cli.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which metrics the queries of the dashboard and the rules read that the services' scrapes do not expose. */
final class MetricNames {

    private MetricNames() {}

    /**
     * @param scrapes each service's {@code /metrics}, by application
     * @param expressions the queries, by where they are
     * @param notExposed names allowed to be absent (each with its reason)
     * @return one line per name, histogram bound or service a query reads but no scrape has
     */
    static List<String> missing(
            Map<String, Scrape> scrapes, Map<String, String> expressions, Map<String, String> notExposed) {
        Set<String> exposed = new TreeSet<>();
        scrapes.values().forEach(s -> exposed.addAll(s.names()));
        List<String> missing = new ArrayList<>();
        expressions.forEach((where, expression) -> {
            for (String name : PromQl.metricNames(expression)) {
                if (!exposed.contains(name) && !notExposed.containsKey(name)) {
                    missing.add(where + ": " + name);
                }
            }
            PromQl.bucketBounds(expression)
                    .forEach((name, bounds) -> bounds.forEach(bound -> {
                        if (scrapes.values().stream().noneMatch(s -> s.hasBucket(name, bound))) {
                            missing.add(where + ": " + name + " with le=\"" + bound + "\"");
                        }
                    }));
            PromQl.applications(expression).forEach((name, application) -> {
                Scrape scrape = scrapes.get(application);
                if (scrape == null || (!scrape.names().contains(name) && !notExposed.containsKey(name))) {
                    missing.add(where + ": " + name + " from " + application);
                }
            });
        });
        return missing;
    }
}
