package io.runflowkafka.cli.deploy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and label matchers a PromQL expression reads, enough to check alert rules and dashboards
 * against the series the services expose. Hand-written: no PromQL parser for Java is on Central; the grammar
 * needed here (selectors, functions, aggregations, label lists, ranges, numbers, strings) is small.
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern DURATION =
            Pattern.compile("(?<![A-Za-z_:0-9])([0-9]+(ms|s|m|h|d|w|y))+(?![A-Za-z_:0-9])");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_:0-9])[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z_:0-9$])[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)\\s*(\\{[^}]*})");
    private static final Pattern APPLICATION_MATCHER = Pattern.compile("\\bapplication\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern LE_MATCHER = Pattern.compile("\\ble\\s*=\\s*\"([^\"]+)\"");
    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "inf",
            "nan",
            "Inf",
            "NaN");

    private PromQl() {}

    /** Every metric name the expression selects; Grafana variables ({@code $name}) are not names. */
    static Set<String> metricNames(String expression) {
        String text = STRING.matcher(expression).replaceAll(" ");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = LABEL_LIST.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = text.replaceAll("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?", " ");
        text = DURATION.matcher(text).replaceAll(" ");
        text = NUMBER.matcher(text).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(text);
        while (identifier.find()) {
            String name = identifier.group();
            int next = identifier.end();
            while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
                next++;
            }
            boolean function = next < text.length() && text.charAt(next) == '(';
            if (!function && !KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The histogram bucket bounds ({@code le="..."}) the expression names, by metric. */
    static Map<String, Set<String>> bucketBounds(String expression) {
        Map<String, Set<String>> bounds = new LinkedHashMap<>();
        Matcher selector = SELECTOR.matcher(expression);
        while (selector.find()) {
            Matcher le = LE_MATCHER.matcher(selector.group(2));
            while (le.find()) {
                bounds.computeIfAbsent(selector.group(1), k -> new LinkedHashSet<>())
                        .add(le.group(1));
            }
        }
        return bounds;
    }

    /** The application each selector names exactly ({@code application="..."}), by metric. */
    static Map<String, String> applications(String expression) {
        Map<String, String> applications = new LinkedHashMap<>();
        Matcher selector = SELECTOR.matcher(expression);
        while (selector.find()) {
            Matcher application = APPLICATION_MATCHER.matcher(selector.group(2));
            if (application.find()) {
                applications.put(selector.group(1), application.group(1));
            }
        }
        return applications;
    }
}
