package io.runflowkafka.cli.deploy;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker compose's variable interpolation: {@code ${NAME}}, {@code ${NAME:-default}} (unset or empty),
 * {@code ${NAME-default}} (unset), {@code ${NAME:?message}} / {@code ${NAME?message}} (required), {@code $NAME},
 * and {@code $$} for a literal {@code $}.
 */
final class Interpolation {

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private Interpolation() {}

    /** A variable a required reference names that has no value. */
    static final class MissingVariableException extends IllegalArgumentException {
        MissingVariableException(String message) {
            super(message);
        }
    }

    /** The variables a text refers to ({@code $$} escapes excluded). */
    static Set<String> variables(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = REFERENCE.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(4);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /** The text with every reference replaced by its value from {@code variables}. */
    static String apply(String text, Map<String, String> variables) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(resolve(matcher, variables)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String resolve(Matcher matcher, Map<String, String> variables) {
        if (matcher.group(0).equals("$$")) {
            return "$";
        }
        if (matcher.group(4) != null) {
            return variables.getOrDefault(matcher.group(4), "");
        }
        String name = matcher.group(1);
        String operator = matcher.group(2);
        String argument = matcher.group(3);
        String value = variables.get(name);
        boolean colon = operator != null && operator.startsWith(":");
        boolean missing = value == null || (colon && value.isEmpty());
        if (operator == null) {
            return value == null ? "" : value;
        }
        if (operator.endsWith("-")) {
            return missing ? argument : value;
        }
        if (missing) {
            throw new MissingVariableException(name + ": " + argument);
        }
        return value;
    }
}
