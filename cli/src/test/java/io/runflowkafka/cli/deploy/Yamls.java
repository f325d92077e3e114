package io.runflowkafka.cli.deploy;

import java.util.List;
import java.util.Map;

/** Typed access to parsed YAML (maps, lists and scalars), absent values as empty maps and lists. */
final class Yamls {

    private Yamls() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }

    /** The mapping at a path of keys, or an empty one. */
    static Map<String, Object> map(Map<String, Object> root, String... path) {
        Map<String, Object> current = root;
        for (String key : path) {
            current = map(current.get(key));
        }
        return current;
    }

    /** A scalar as text (numbers and booleans as YAML wrote them), or null. */
    static String text(Object value) {
        return value == null || value instanceof Map || value instanceof List ? null : String.valueOf(value);
    }

    static String text(Map<String, Object> root, String... path) {
        if (path.length == 0) {
            return null;
        }
        Map<String, Object> parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            parent = map(parent.get(path[i]));
        }
        return text(parent.get(path[path.length - 1]));
    }
}
