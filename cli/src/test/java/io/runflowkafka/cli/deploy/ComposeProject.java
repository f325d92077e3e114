package io.runflowkafka.cli.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A docker compose file, read as YAML and checked the way {@code docker compose config} would, plus what
 * only this project knows: which services run the runflow-kafka image, and the variables each one reads.
 * Kept to what docker-compose 1.29 accepts too.
 */
final class ComposeProject {

    private static final Set<String> TOP_LEVEL =
            Set.of("version", "services", "volumes", "networks", "configs", "secrets");
    private static final Set<String> CONDITIONS =
            Set.of("service_started", "service_healthy", "service_completed_successfully");
    private static final String IMAGE_NAME = "runflow-kafka";
    private static final String IMAGE_VARIABLE = "RUNFLOW_KAFKA_IMAGE";

    private final Path file;
    private final Map<String, Object> root;

    private ComposeProject(Path file, Map<String, Object> root) {
        this.file = file;
        this.root = root;
    }

    static ComposeProject read(Path file) {
        return new ComposeProject(file, DeployTree.yamlMapping(file));
    }

    Path file() {
        return file;
    }

    Set<String> serviceNames() {
        return new TreeSet<>(services().keySet());
    }

    Map<String, Object> service(String name) {
        return Yamls.map(services().get(name));
    }

    private Map<String, Object> services() {
        return Yamls.map(root.get("services"));
    }

    /** The runflow-kafka subcommand a service runs, when it runs the runflow-kafka image. */
    Optional<String> runflowCommand(String name) {
        Map<String, Object> service = service(name);
        if (!isRunflowImage(Yamls.text(service.get("image")))) {
            return Optional.empty();
        }
        List<String> command = words(service.get("command"));
        return Optional.of(command.isEmpty() ? "" : command.get(0));
    }

    /** {@code runflow-kafka[:tag]} under any registry, or the file's image variable. */
    static boolean isRunflowImage(String image) {
        if (image == null) {
            return false;
        }
        if (image.contains("${" + IMAGE_VARIABLE)) {
            return true;
        }
        String repository = image.substring(image.lastIndexOf('/') + 1);
        int tag = repository.indexOf(':');
        return (tag < 0 ? repository : repository.substring(0, tag)).equals(IMAGE_NAME);
    }

    /** The services running the runflow-kafka image with the service each one is. */
    Map<String, RunflowService> runflowServices() {
        Map<String, RunflowService> found = new LinkedHashMap<>();
        for (String name : serviceNames()) {
            runflowCommand(name).flatMap(RunflowService::byCommand).ifPresent(s -> found.put(name, s));
        }
        return found;
    }

    /** A service's environment as written (values not interpolated); list and mapping forms alike. */
    Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?>) {
            Yamls.map(environment).forEach((key, value) -> variables.put(key, value == null ? "" : Yamls.text(value)));
        } else {
            for (Object entry : Yamls.list(environment)) {
                String text = String.valueOf(entry);
                int equals = text.indexOf('=');
                variables.put(
                        equals < 0 ? text : text.substring(0, equals), equals < 0 ? "" : text.substring(equals + 1));
            }
        }
        return variables;
    }

    /** A service's environment with compose's interpolation applied. */
    Map<String, String> resolvedEnvironment(String name, Map<String, String> variables) {
        Map<String, String> resolved = new LinkedHashMap<>();
        environment(name).forEach((key, value) -> resolved.put(key, Interpolation.apply(value, variables)));
        return resolved;
    }

    /** Every variable the file interpolates. */
    Set<String> interpolatedVariables() {
        Set<String> names = new TreeSet<>();
        collectVariables(root, names);
        return names;
    }

    private static void collectVariables(Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> collectVariables(value, names));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collectVariables(value, names));
        } else if (node instanceof String text) {
            names.addAll(Interpolation.variables(text));
        }
    }

    /** What would make compose refuse the file or start services in a broken order; empty when none. */
    List<String> structuralProblems() {
        List<String> problems = new ArrayList<>();
        root.keySet().forEach(key -> {
            if (key.equals("name")) {
                problems.add("top-level name: docker-compose 1.29 rejects it");
            } else if (!TOP_LEVEL.contains(key) && !key.startsWith("x-")) {
                problems.add("unknown top-level key " + key);
            }
        });
        if (services().isEmpty()) {
            problems.add("no services");
        }
        Set<String> declaredVolumes = Yamls.map(root.get("volumes")).keySet();
        for (String name : serviceNames()) {
            Map<String, Object> service = service(name);
            String where = "service " + name + ": ";
            if (Yamls.text(service.get("image")) == null && !service.containsKey("build")) {
                problems.add(where + "no image");
            }
            problems.addAll(healthcheckProblems(where, service));
            problems.addAll(dependencyProblems(where, service));
            problems.addAll(volumeProblems(where, service, declaredVolumes));
            runflowCommand(name).ifPresent(command -> {
                Optional<RunflowService> runflow = RunflowService.byCommand(command);
                if (runflow.isEmpty()) {
                    problems.add(where + "runs the runflow-kafka image with '" + command
                            + "', not one of its services (processor, bridge, sink, emulator)");
                } else if (runflow.get() != RunflowService.EMULATOR) {
                    problems.addAll(readinessProblems(where, name, runflow.get()));
                }
            });
        }
        return problems;
    }

    private List<String> healthcheckProblems(String where, Map<String, Object> service) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> healthcheck = Yamls.map(service.get("healthcheck"));
        if (healthcheck.containsKey("start_interval")) {
            problems.add(where + "healthcheck.start_interval: docker-compose 1.29 rejects it");
        }
        if (isLongRunning(service) && !hasHealthcheck(service)) {
            problems.add(where + "runs until stopped but has no healthcheck");
        }
        Object test = healthcheck.get("test");
        if (test instanceof List<?> list
                && !list.isEmpty()
                && !Set.of("CMD", "CMD-SHELL", "NONE").contains(String.valueOf(list.get(0)))) {
            problems.add(where + "healthcheck.test must start with CMD, CMD-SHELL or NONE");
        }
        return problems;
    }

    private List<String> dependencyProblems(String where, Map<String, Object> service) {
        List<String> problems = new ArrayList<>();
        boolean alwaysOn = Yamls.list(service.get("profiles")).isEmpty();
        dependencies(service).forEach((target, options) -> {
            if (!services().containsKey(target)) {
                problems.add(where + "depends on " + target + ", which is not a service");
                return;
            }
            Map<String, Object> dependency = service(target);
            for (String key : List.of("required", "restart")) {
                if (options.containsKey(key)) {
                    problems.add(where + "depends_on." + target + "." + key + ": docker-compose 1.29 rejects it");
                }
            }
            String condition =
                    Optional.ofNullable(Yamls.text(options.get("condition"))).orElse("service_started");
            if (!CONDITIONS.contains(condition)) {
                problems.add(where + "depends on " + target + " with unknown condition " + condition);
            }
            if (condition.equals("service_healthy") && !hasHealthcheck(dependency)) {
                problems.add(where + "waits for " + target + " to be healthy, but it has no healthcheck");
            }
            if (condition.equals("service_completed_successfully") && isLongRunning(dependency)) {
                problems.add(where + "waits for " + target + " to complete, but it restarts (set restart: \"no\")");
            }
            if (alwaysOn && !Yamls.list(dependency.get("profiles")).isEmpty()) {
                problems.add(where + "depends on " + target + ", which runs only with profile(s) "
                        + Yamls.list(dependency.get("profiles")) + ": compose refuses to start without them");
            }
        });
        return problems;
    }

    private List<String> volumeProblems(String where, Map<String, Object> service, Set<String> declared) {
        List<String> problems = new ArrayList<>();
        for (Mount mount : mounts(service)) {
            if (mount.bind()) {
                if (!Files.exists(file.getParent().resolve(mount.source()).normalize())) {
                    problems.add(where + "mounts " + mount.source() + ", which does not exist next to "
                            + file.getFileName());
                }
            } else if (!declared.contains(mount.source())) {
                problems.add(where + "uses volume " + mount.source() + ", which is not declared under volumes");
            }
        }
        return problems;
    }

    /** A runflow-kafka service's healthcheck must ask its own readiness endpoint on its HTTP port. */
    private List<String> readinessProblems(String where, String name, RunflowService runflow) {
        String port = Optional.ofNullable(environment(name).get("HTTP_PORT"))
                .orElse(Integer.toString(runflow.defaultHttpPort()));
        String expected = "localhost:" + port + "/health/ready";
        String test = String.join(
                " ", words(Yamls.map(service(name).get("healthcheck")).get("test")));
        return test.contains(expected)
                ? List.of()
                : List.of(
                        where + "healthcheck must ask http://" + expected + " (http.port " + port + "), not: " + test);
    }

    /**
     * Paths a service is given (environment values, entrypoint, command) that lie under one of its bind
     * mounts but do not exist there: a misspelt certificate or script name.
     */
    List<String> missingMountedFiles(Map<String, String> variables) {
        List<String> problems = new ArrayList<>();
        for (String name : serviceNames()) {
            Map<String, Object> service = service(name);
            List<String> values =
                    new ArrayList<>(resolvedEnvironment(name, variables).values());
            values.addAll(words(service.get("entrypoint")));
            values.addAll(words(service.get("command")));
            for (Mount mount : mounts(service)) {
                if (!mount.bind()) {
                    continue;
                }
                Path hostSource = file.getParent().resolve(mount.source()).normalize();
                for (String value : values) {
                    if (value.equals(mount.target()) || !value.startsWith(mount.target() + "/")) {
                        continue;
                    }
                    Path onHost =
                            hostSource.resolve(value.substring(mount.target().length() + 1));
                    if (!Files.exists(onHost)) {
                        problems.add("service " + name + ": " + value + " is not in " + mount.source());
                    }
                }
            }
        }
        return problems;
    }

    /** A volume entry: a bind mount of a host path, or a named volume. */
    record Mount(String source, String target, boolean bind) {}

    static List<Mount> mounts(Map<String, Object> service) {
        List<Mount> mounts = new ArrayList<>();
        for (Object entry : Yamls.list(service.get("volumes"))) {
            String source;
            String target;
            if (entry instanceof Map<?, ?>) {
                Map<String, Object> longForm = Yamls.map(entry);
                source = Yamls.text(longForm.get("source"));
                target = Yamls.text(longForm.get("target"));
            } else {
                String[] parts = String.valueOf(entry).split(":");
                source = parts.length > 1 ? parts[0] : null;
                target = parts.length > 1 ? parts[1] : parts[0];
            }
            if (source == null) {
                continue; // an anonymous volume
            }
            mounts.add(new Mount(
                    source, target, source.startsWith(".") || source.startsWith("/") || source.startsWith("~")));
        }
        return mounts;
    }

    private static Map<String, Map<String, Object>> dependencies(Map<String, Object> service) {
        Map<String, Map<String, Object>> dependencies = new LinkedHashMap<>();
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof Map<?, ?>) {
            Yamls.map(dependsOn).forEach((target, options) -> dependencies.put(target, Yamls.map(options)));
        } else {
            Yamls.list(dependsOn).forEach(target -> dependencies.put(String.valueOf(target), Map.of()));
        }
        return dependencies;
    }

    private static boolean isLongRunning(Map<String, Object> service) {
        String restart = Yamls.text(service.get("restart"));
        return restart != null && !restart.equals("no");
    }

    private static boolean hasHealthcheck(Map<String, Object> service) {
        Map<String, Object> healthcheck = Yamls.map(service.get("healthcheck"));
        Object test = healthcheck.get("test");
        boolean disabled = Boolean.TRUE.equals(healthcheck.get("disable"))
                || (test instanceof List<?> list && !list.isEmpty() && "NONE".equals(String.valueOf(list.get(0))));
        return test != null && !disabled;
    }

    /** A command-like value (list or string) as words. */
    static List<String> words(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        String text = Yamls.text(value);
        return text == null || text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }

    /** Every service's variables that its runflow-kafka service does not read. */
    List<String> environmentProblems() {
        List<String> problems = new ArrayList<>();
        runflowServices().forEach((name, runflow) -> {
            ServiceVariables known = ServiceVariables.of(runflow);
            environment(name)
                    .keySet()
                    .forEach(variable -> known.problem(variable)
                            .ifPresent(problem ->
                                    problems.add(file.getFileName() + ", service " + name + ": " + problem)));
        });
        return problems;
    }

    /** Names that are written in the file but unknown to {@code documented} (e.g. an .env.example). */
    List<String> undocumentedVariables(Set<String> documented) {
        Set<String> missing = new LinkedHashSet<>(interpolatedVariables());
        missing.removeAll(documented);
        return missing.stream()
                .map(v -> file.getFileName() + " interpolates ${" + v + "}, which is not in the env file")
                .toList();
    }
}
