package io.runflowkafka.cli.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Enough of {@code kubectl kustomize} to check a kustomization without a cluster or a binary: resources
 * (files and kustomization folders), ConfigMap and Secret generators ({@code envs}, {@code literals}; behaviours
 * create, merge and replace) and {@code namespace}. Generated names keep no hash suffix, so references stay
 * as written. Patches and image rewrites are not applied (they change neither names nor variables here);
 * {@code KubectlKustomizeTest} renders with the real tool where one is installed.
 */
final class Kustomize {

    private static final String KUSTOMIZATION = "kustomization.yaml";
    private static final Set<String> SUPPORTED = Set.of(
            "apiVersion",
            "kind",
            "resources",
            "configMapGenerator",
            "secretGenerator",
            "generatorOptions",
            "namespace",
            "images",
            "patches",
            "replicas",
            "components");

    /** An object of the output, with the file it came from. */
    record KubeObject(Path source, Map<String, Object> body) {

        String kind() {
            return Yamls.text(body.get("kind"));
        }

        String name() {
            return Yamls.text(body, "metadata", "name");
        }

        String apiVersion() {
            return Yamls.text(body.get("apiVersion"));
        }

        Map<String, Object> spec() {
            return Yamls.map(body.get("spec"));
        }

        @Override
        public String toString() {
            return kind() + "/" + name() + " (" + source.getFileName() + ")";
        }
    }

    /** The rendering, and what kept parts of it from rendering. */
    record Rendering(List<KubeObject> objects, List<String> problems) {

        List<KubeObject> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.kind())).toList();
        }
    }

    private final List<KubeObject> objects = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Kustomize() {}

    /** Renders the kustomization in {@code directory}. */
    static Rendering render(Path directory) {
        Kustomize kustomize = new Kustomize();
        kustomize.build(directory);
        return new Rendering(List.copyOf(kustomize.objects), List.copyOf(kustomize.problems));
    }

    private void build(Path directory) {
        Path file = directory.resolve(KUSTOMIZATION);
        if (!Files.isRegularFile(file)) {
            problems.add(directory + " has no " + KUSTOMIZATION);
            return;
        }
        Map<String, Object> kustomization;
        try {
            kustomization = DeployTree.yamlMapping(file);
        } catch (RuntimeException e) {
            problems.add(file + " does not parse: " + e.getMessage());
            return;
        }
        kustomization.keySet().stream()
                .filter(key -> !SUPPORTED.contains(key))
                .forEach(key ->
                        problems.add(file + ": " + key + " is not understood by this renderer; extend Kustomize"));
        for (Object entry : Yamls.list(kustomization.get("resources"))) {
            Path resource = directory.resolve(String.valueOf(entry)).normalize();
            if (Files.isDirectory(resource)) {
                build(resource);
            } else if (Files.isRegularFile(resource)) {
                addResourceFile(resource);
            } else {
                problems.add(file + ": resource " + entry + " does not exist");
            }
        }
        generate(directory, file, "ConfigMap", Yamls.list(kustomization.get("configMapGenerator")));
        generate(directory, file, "Secret", Yamls.list(kustomization.get("secretGenerator")));
        String namespace = Yamls.text(kustomization.get("namespace"));
        if (namespace != null) {
            objects.forEach(o -> Yamls.map(o.body().get("metadata")).put("namespace", namespace));
        }
    }

    private void addResourceFile(Path resource) {
        List<Object> documents;
        try {
            documents = DeployTree.yamlDocuments(resource);
        } catch (RuntimeException e) {
            problems.add(resource + " does not parse: " + e.getMessage());
            return;
        }
        for (Object document : documents) {
            if (!(document instanceof Map<?, ?>)) {
                problems.add(resource + ": a document is not a mapping");
                continue;
            }
            KubeObject object = new KubeObject(resource, mutable(Yamls.map(document)));
            if (object.apiVersion() == null || object.kind() == null || object.name() == null) {
                problems.add(resource + ": an object lacks apiVersion, kind or metadata.name: " + document);
                continue;
            }
            objects.add(object);
        }
    }

    private void generate(Path directory, Path file, String kind, List<Object> generators) {
        for (Object entry : generators) {
            Map<String, Object> generator = Yamls.map(entry);
            String name = Yamls.text(generator.get("name"));
            if (name == null) {
                problems.add(file + ": a " + kind + " generator has no name");
                continue;
            }
            if (generator.containsKey("files")) {
                problems.add(file + ": " + kind + " " + name + ": generator files are not understood by this renderer");
            }
            Map<String, Object> data = new LinkedHashMap<>();
            for (Object envs : Yamls.list(generator.get("envs"))) {
                Path envFile = directory.resolve(String.valueOf(envs)).normalize();
                if (!Files.isRegularFile(envFile)) {
                    problems.add(file + ": " + kind + " " + name + ": env file " + envs + " does not exist");
                    continue;
                }
                try {
                    data.putAll(EnvFile.read(envFile).values());
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            for (Object literal : Yamls.list(generator.get("literals"))) {
                String text = String.valueOf(literal);
                int equals = text.indexOf('=');
                if (equals <= 0) {
                    problems.add(file + ": " + kind + " " + name + ": literal is not KEY=value: " + text);
                    continue;
                }
                data.put(text.substring(0, equals), text.substring(equals + 1));
            }
            String behavior = String.valueOf(generator.getOrDefault("behavior", "create"));
            KubeObject existing = objects.stream()
                    .filter(o -> kind.equals(o.kind()) && name.equals(o.name()))
                    .findFirst()
                    .orElse(null);
            String dataKey = kind.equals("Secret") ? "stringData" : "data";
            switch (behavior) {
                case "create" -> {
                    if (existing != null) {
                        problems.add(file + ": " + kind + " " + name + " is generated twice (use behavior: merge)");
                    } else {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("apiVersion", "v1");
                        body.put("kind", kind);
                        body.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
                        body.put(dataKey, data);
                        objects.add(new KubeObject(file, body));
                    }
                }
                case "merge", "replace" -> {
                    if (existing == null) {
                        problems.add(file + ": " + kind + " " + name + " has behavior " + behavior
                                + " but no base generates it");
                    } else {
                        Map<String, Object> merged = behavior.equals("merge")
                                ? new LinkedHashMap<>(Yamls.map(existing.body().get(dataKey)))
                                : new LinkedHashMap<>();
                        merged.putAll(data);
                        existing.body().put(dataKey, merged);
                    }
                }
                default -> problems.add(file + ": " + kind + " " + name + ": unknown behavior " + behavior);
            }
        }
    }

    /** A deep copy into mutable maps and lists, so the namespace and generator merges can be applied. */
    @SuppressWarnings("unchecked")
    private static <T> T mutable(T node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), mutable(value)));
            return (T) copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(value -> copy.add(mutable(value)));
            return (T) copy;
        }
        return node;
    }
}
