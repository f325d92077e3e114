package io.runflowkafka.cli.deploy;

import io.runflowkafka.cli.deploy.Kustomize.KubeObject;
import io.runflowkafka.cli.deploy.Kustomize.Rendering;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code kubectl apply} would accept but the pods would trip over: probes on the wrong path or port,
 * Services and PodDisruptionBudgets selecting nothing, references to ConfigMaps and Secrets that do not
 * exist (a Secret may be defined outside the manifests if {@code secrets.example.yaml} documents it), and
 * environment variables the service does not read.
 */
final class KubernetesChecks {

    private static final Pattern DEPENDENT_VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final Rendering rendering;
    private final Map<String, Set<String>> documentedSecrets;

    private KubernetesChecks(Rendering rendering, Map<String, Set<String>> documentedSecrets) {
        this.rendering = rendering;
        this.documentedSecrets = documentedSecrets;
    }

    /**
     * @param rendering the rendered manifests
     * @param secretsExample a file of example Secrets: the documented place of the Secrets the manifests
     *     reference without defining them
     */
    static KubernetesChecks of(Rendering rendering, Path secretsExample) {
        Map<String, Set<String>> documented = new TreeMap<>();
        for (Object document : DeployTree.yamlDocuments(secretsExample)) {
            Map<String, Object> secret = Yamls.map(document);
            if ("Secret".equals(Yamls.text(secret.get("kind")))) {
                Set<String> keys = new TreeSet<>(Yamls.map(secret.get("data")).keySet());
                keys.addAll(Yamls.map(secret.get("stringData")).keySet());
                documented.put(Yamls.text(secret, "metadata", "name"), keys);
            }
        }
        return new KubernetesChecks(rendering, documented);
    }

    /** Every problem found; empty when the manifests are sound. */
    List<String> problems() {
        List<String> problems = new ArrayList<>(rendering.problems());
        Set<String> seen = new HashSet<>();
        for (KubeObject object : rendering.objects()) {
            if (!seen.add(object.kind() + "/" + object.name())) {
                problems.add(object + " is defined twice");
            }
        }
        List<KubeObject> deployments = rendering.ofKind("Deployment");
        deployments.forEach(d -> problems.addAll(deploymentProblems(d)));
        rendering.ofKind("Service").forEach(s -> problems.addAll(serviceProblems(s, deployments)));
        List<KubeObject> budgets = rendering.ofKind("PodDisruptionBudget");
        budgets.forEach(pdb -> {
            Map<String, Object> selector = Yamls.map(pdb.spec(), "selector", "matchLabels");
            if (selector.isEmpty() || deployments.stream().noneMatch(d -> selects(selector, podLabels(d)))) {
                problems.add(pdb + ": selector " + selector + " matches no Deployment's pods");
            }
            if (!pdb.spec().containsKey("minAvailable") && !pdb.spec().containsKey("maxUnavailable")) {
                problems.add(pdb + ": neither minAvailable nor maxUnavailable");
            }
        });
        deployments.forEach(d -> {
            if (budgets.stream()
                    .noneMatch(pdb -> selects(Yamls.map(pdb.spec(), "selector", "matchLabels"), podLabels(d)))) {
                problems.add(d + " has no PodDisruptionBudget");
            }
        });
        rendering.ofKind("Ingress").forEach(i -> problems.addAll(ingressProblems(i)));
        problems.addAll(KedaChecks.problems(rendering, this));
        return problems;
    }

    private List<String> deploymentProblems(KubeObject deployment) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> matchLabels = Yamls.map(deployment.spec(), "selector", "matchLabels");
        if (matchLabels.isEmpty() || !selects(matchLabels, podLabels(deployment))) {
            problems.add(deployment + ": selector " + matchLabels + " does not match its pod template's labels");
        }
        Map<String, Object> pod = podSpec(deployment);
        if (!Boolean.TRUE.equals(Yamls.map(pod.get("securityContext")).get("runAsNonRoot"))) {
            problems.add(deployment + ": pods must set securityContext.runAsNonRoot: true");
        }
        Set<String> volumes = new LinkedHashSet<>();
        for (Object entry : Yamls.list(pod.get("volumes"))) {
            Map<String, Object> volume = Yamls.map(entry);
            volumes.add(Yamls.text(volume.get("name")));
            String secret = Yamls.text(volume, "secret", "secretName");
            if (secret != null) {
                secretProblem(
                                deployment,
                                secret,
                                null,
                                Boolean.TRUE.equals(
                                        Yamls.map(volume.get("secret")).get("optional")))
                        .ifPresent(problems::add);
            }
            String configMap = Yamls.text(volume, "configMap", "name");
            if (configMap != null && configMap(configMap).isEmpty()) {
                problems.add(deployment + ": volume " + volume.get("name") + " uses ConfigMap " + configMap
                        + ", which is not defined");
            }
        }
        for (Object entry : Yamls.list(pod.get("containers"))) {
            Map<String, Object> container = Yamls.map(entry);
            String where = deployment + ", container " + container.get("name") + ": ";
            for (Object mount : Yamls.list(container.get("volumeMounts"))) {
                String volume = Yamls.text(Yamls.map(mount).get("name"));
                if (!volumes.contains(volume)) {
                    problems.add(where + "mounts volume " + volume + ", which the pod does not declare");
                }
            }
            if (Yamls.text(container.get("image")) == null) {
                problems.add(where + "no image");
            }
            Map<String, Object> resources = Yamls.map(container.get("resources"));
            if (Yamls.text(resources, "requests", "cpu") == null
                    || Yamls.text(resources, "requests", "memory") == null
                    || Yamls.text(resources, "limits", "memory") == null) {
                problems.add(where + "needs resources.requests.cpu, requests.memory and limits.memory");
            }
            problems.addAll(referenceProblems(where, deployment, container));
            Optional<RunflowService> service = runflowService(container);
            if (ComposeProject.isRunflowImage(Yamls.text(container.get("image"))) && service.isEmpty()) {
                problems.add(
                        where
                                + "runs the runflow-kafka image without naming a service (args: processor, bridge, sink, emulator)");
            }
            service.ifPresent(s -> problems.addAll(serviceContainerProblems(where, deployment, container, s)));
        }
        return problems;
    }

    private List<String> serviceContainerProblems(
            String where, KubeObject deployment, Map<String, Object> container, RunflowService service) {
        List<String> problems = new ArrayList<>();
        ServiceVariables known = ServiceVariables.of(service);
        Set<String> helpers = helperVariables(container);
        for (String variable : variableNames(container)) {
            if (!helpers.contains(variable)) {
                known.problem(variable).ifPresent(p -> problems.add(where + p));
            }
        }
        if (service == RunflowService.EMULATOR) {
            return problems;
        }
        Map<String, Integer> ports = containerPorts(container);
        String httpPort = environment(container, (secret, key) -> "secret").get("HTTP_PORT");
        int expected = httpPort == null ? service.defaultHttpPort() : Integer.parseInt(httpPort);
        if (!ports.containsValue(expected)) {
            problems.add(where + "declares no containerPort " + expected + " (its http.port)");
        }
        Map<String, String> probes = Map.of(
                "livenessProbe", "/health/live", "readinessProbe", "/health/ready", "startupProbe", "/health/live");
        probes.forEach((probe, path) -> {
            Map<String, Object> httpGet = Yamls.map(container, probe, "httpGet");
            if (!container.containsKey(probe)) {
                if (!probe.equals("startupProbe")) {
                    problems.add(where + "has no " + probe);
                }
                return;
            }
            if (!path.equals(Yamls.text(httpGet.get("path")))) {
                problems.add(where + probe + " must GET " + path + ", not " + httpGet.get("path"));
            }
            Object port = httpGet.get("port");
            Integer number = port instanceof Integer n ? n : ports.get(String.valueOf(port));
            if (number == null || !ports.containsValue(number)) {
                problems.add(where + probe + " port " + port + " is not a declared containerPort");
            } else if (number != expected) {
                problems.add(where + probe + " port " + port + " is not the http.port " + expected);
            }
        });
        return problems;
    }

    /** ConfigMap and Secret references of a container, and {@code $(VAR)} references to earlier variables. */
    private List<String> referenceProblems(String where, KubeObject deployment, Map<String, Object> container) {
        List<String> problems = new ArrayList<>();
        for (Object entry : Yamls.list(container.get("envFrom"))) {
            Map<String, Object> source = Yamls.map(entry);
            String configMap = Yamls.text(source, "configMapRef", "name");
            if (configMap != null
                    && configMap(configMap).isEmpty()
                    && !Boolean.TRUE.equals(
                            Yamls.map(source.get("configMapRef")).get("optional"))) {
                problems.add(where + "envFrom ConfigMap " + configMap + ", which is not defined");
            }
            String secret = Yamls.text(source, "secretRef", "name");
            if (secret != null) {
                secretProblem(
                                deployment,
                                secret,
                                null,
                                Boolean.TRUE.equals(
                                        Yamls.map(source.get("secretRef")).get("optional")))
                        .ifPresent(problems::add);
            }
        }
        Set<String> defined = new HashSet<>(configMapVariables(container));
        for (Object entry : Yamls.list(container.get("env"))) {
            Map<String, Object> variable = Yamls.map(entry);
            String name = Yamls.text(variable.get("name"));
            Map<String, Object> secretRef = Yamls.map(variable, "valueFrom", "secretKeyRef");
            if (!secretRef.isEmpty()) {
                secretProblem(
                                deployment,
                                Yamls.text(secretRef.get("name")),
                                Yamls.text(secretRef.get("key")),
                                Boolean.TRUE.equals(secretRef.get("optional")))
                        .ifPresent(p -> problems.add(where + name + ": " + p));
            }
            Map<String, Object> configMapRef = Yamls.map(variable, "valueFrom", "configMapKeyRef");
            if (!configMapRef.isEmpty()) {
                String mapName = Yamls.text(configMapRef.get("name"));
                String key = Yamls.text(configMapRef.get("key"));
                if (configMap(mapName).map(data -> !data.containsKey(key)).orElse(true)) {
                    problems.add(
                            where + name + " reads key " + key + " of ConfigMap " + mapName + ", which does not exist");
                }
            }
            String value = Yamls.text(variable.get("value"));
            if (value != null) {
                Matcher matcher = DEPENDENT_VARIABLE.matcher(value);
                while (matcher.find()) {
                    if (!defined.contains(matcher.group(1))) {
                        problems.add(where + name + " refers to $(" + matcher.group(1)
                                + "), which is not defined before it: Kubernetes would pass it literally");
                    }
                }
            }
            defined.add(name);
        }
        return problems;
    }

    /** Empty when the Secret (and key) is defined in the manifests or documented; otherwise why not. */
    private Optional<String> secretProblem(KubeObject user, String name, String key, boolean optional) {
        Optional<KubeObject> defined = rendering.ofKind("Secret").stream()
                .filter(s -> name.equals(s.name()))
                .findFirst();
        if (defined.isPresent()) {
            Set<String> keys =
                    new HashSet<>(Yamls.map(defined.get().body().get("data")).keySet());
            keys.addAll(Yamls.map(defined.get().body().get("stringData")).keySet());
            return key == null || keys.contains(key) || optional
                    ? Optional.empty()
                    : Optional.of("Secret " + name + " has no key " + key);
        }
        Set<String> documentedKeys = documentedSecrets.get(name);
        if (documentedKeys == null) {
            return Optional.of(user + " references Secret " + name
                    + ", which is neither defined nor documented in secrets.example.yaml");
        }
        return key == null || documentedKeys.contains(key)
                ? Optional.empty()
                : Optional.of("key " + key + " of Secret " + name + " is not documented in secrets.example.yaml");
    }

    private List<String> serviceProblems(KubeObject service, List<KubeObject> deployments) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> selector = Yamls.map(service.spec().get("selector"));
        List<KubeObject> selected = deployments.stream()
                .filter(d -> selects(selector, podLabels(d)))
                .toList();
        if (selector.isEmpty() || selected.isEmpty()) {
            problems.add(service + ": selector " + selector + " matches no Deployment's pods");
            return problems;
        }
        for (Object entry : Yamls.list(service.spec().get("ports"))) {
            Map<String, Object> port = Yamls.map(entry);
            Object target = port.getOrDefault("targetPort", port.get("port"));
            boolean declared = selected.stream()
                    .anyMatch(d -> Yamls.list(podSpec(d).get("containers")).stream()
                            .map(Yamls::map)
                            .map(KubernetesChecks::containerPorts)
                            .anyMatch(ports -> target instanceof Integer n
                                    ? ports.containsValue(n)
                                    : ports.containsKey(String.valueOf(target))));
            if (!declared) {
                problems.add(service + ": targetPort " + target + " is not a containerPort of " + selected);
            }
        }
        return problems;
    }

    private List<String> ingressProblems(KubeObject ingress) {
        List<String> problems = new ArrayList<>();
        for (Object tls : Yamls.list(ingress.spec().get("tls"))) {
            String secret = Yamls.text(Yamls.map(tls).get("secretName"));
            if (secret != null) {
                secretProblem(ingress, secret, null, false).ifPresent(problems::add);
            }
        }
        for (Object rule : Yamls.list(ingress.spec().get("rules"))) {
            for (Object path : Yamls.list(Yamls.map(Yamls.map(rule), "http").get("paths"))) {
                Map<String, Object> backend = Yamls.map(Yamls.map(path), "backend", "service");
                String name = Yamls.text(backend.get("name"));
                Optional<KubeObject> service = rendering.ofKind("Service").stream()
                        .filter(s -> s.name().equals(name))
                        .findFirst();
                if (service.isEmpty()) {
                    problems.add(ingress + ": backend Service " + name + " is not defined");
                    continue;
                }
                Map<String, Object> port = Yamls.map(backend.get("port"));
                boolean exists = Yamls.list(service.get().spec().get("ports")).stream()
                        .map(Yamls::map)
                        .anyMatch(p -> port.containsKey("name")
                                ? port.get("name").equals(p.get("name"))
                                : port.get("number") != null
                                        && port.get("number").equals(p.get("port")));
                if (!exists) {
                    problems.add(ingress + ": backend port " + port + " is not a port of Service " + name);
                }
            }
        }
        return problems;
    }

    /** The runflow-kafka service a container runs, from its first argument. */
    static Optional<RunflowService> runflowService(Map<String, Object> container) {
        if (!ComposeProject.isRunflowImage(Yamls.text(container.get("image")))) {
            return Optional.empty();
        }
        List<String> args = ComposeProject.words(container.get("args"));
        return args.isEmpty() ? Optional.empty() : RunflowService.byCommand(args.get(0));
    }

    /** Every variable a container gets: its ConfigMaps' keys, documented Secrets' keys (envFrom), its env. */
    private Set<String> variableNames(Map<String, Object> container) {
        Set<String> names = new LinkedHashSet<>(configMapVariables(container));
        for (Object entry : Yamls.list(container.get("envFrom"))) {
            String secret = Yamls.text(Yamls.map(entry), "secretRef", "name");
            if (secret != null) {
                String prefix = Optional.ofNullable(Yamls.text(Yamls.map(entry).get("prefix")))
                        .orElse("");
                documentedSecrets.getOrDefault(secret, Set.of()).forEach(key -> names.add(prefix + key));
            }
        }
        Yamls.list(container.get("env"))
                .forEach(e -> names.add(Yamls.text(Yamls.map(e).get("name"))));
        return names;
    }

    private Set<String> configMapVariables(Map<String, Object> container) {
        Set<String> names = new LinkedHashSet<>();
        for (Object entry : Yamls.list(container.get("envFrom"))) {
            String configMap = Yamls.text(Yamls.map(entry), "configMapRef", "name");
            String prefix = Optional.ofNullable(Yamls.text(Yamls.map(entry).get("prefix")))
                    .orElse("");
            if (configMap != null) {
                configMap(configMap).ifPresent(data -> data.keySet().forEach(key -> names.add(prefix + key)));
            }
        }
        return names;
    }

    /**
     * Variables set from the downward API ({@code fieldRef}) and used only inside other values as
     * {@code $(NAME)}: plumbing for Kubernetes, not settings of the service.
     */
    private static Set<String> helperVariables(Map<String, Object> container) {
        Set<String> referenced = new HashSet<>();
        List<Map<String, Object>> env =
                Yamls.list(container.get("env")).stream().map(Yamls::map).toList();
        env.forEach(variable -> {
            String value = Yamls.text(variable.get("value"));
            if (value != null) {
                DEPENDENT_VARIABLE.matcher(value).results().forEach(m -> referenced.add(m.group(1)));
            }
        });
        Set<String> helpers = new HashSet<>();
        env.stream()
                .filter(v -> !Yamls.map(v, "valueFrom", "fieldRef").isEmpty())
                .map(v -> Yamls.text(v.get("name")))
                .filter(referenced::contains)
                .forEach(helpers::add);
        return helpers;
    }

    /**
     * A container's environment as the service would see it: ConfigMaps (envFrom), then env, with
     * {@code $(VAR)} expanded; Secret values from {@code secretValue(name, key)}, downward-API fields as
     * placeholders (the pod IP as 10.0.0.1).
     */
    Map<String, String> environment(Map<String, Object> container, BiFunction<String, String, String> secretValue) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object entry : Yamls.list(container.get("envFrom"))) {
            String configMap = Yamls.text(Yamls.map(entry), "configMapRef", "name");
            if (configMap != null) {
                configMap(configMap).ifPresent(data -> data.forEach((k, v) -> environment.put(k, Yamls.text(v))));
            }
        }
        for (Object entry : Yamls.list(container.get("env"))) {
            Map<String, Object> variable = Yamls.map(entry);
            String name = Yamls.text(variable.get("name"));
            Map<String, Object> secretRef = Yamls.map(variable, "valueFrom", "secretKeyRef");
            Map<String, Object> configMapRef = Yamls.map(variable, "valueFrom", "configMapKeyRef");
            String fieldPath = Yamls.text(variable, "valueFrom", "fieldRef", "fieldPath");
            String value;
            if (!secretRef.isEmpty()) {
                value = secretValue.apply(Yamls.text(secretRef.get("name")), Yamls.text(secretRef.get("key")));
            } else if (!configMapRef.isEmpty()) {
                value = configMap(Yamls.text(configMapRef.get("name")))
                        .map(data -> Yamls.text(data.get(Yamls.text(configMapRef.get("key")))))
                        .orElse("");
            } else if (fieldPath != null) {
                value = fieldPath.equals("status.podIP") ? "10.0.0.1" : "field";
            } else {
                value = Optional.ofNullable(Yamls.text(variable.get("value"))).orElse("");
                value = DEPENDENT_VARIABLE
                        .matcher(value)
                        .replaceAll(m -> Matcher.quoteReplacement(environment.getOrDefault(m.group(1), m.group())));
            }
            environment.put(name, value);
        }
        return environment;
    }

    private Optional<Map<String, Object>> configMap(String name) {
        return rendering.ofKind("ConfigMap").stream()
                .filter(c -> name.equals(c.name()))
                .findFirst()
                .map(c -> Yamls.map(c.body().get("data")));
    }

    static Map<String, Object> podSpec(KubeObject workload) {
        return Yamls.map(workload.spec(), "template", "spec");
    }

    static Map<String, Object> podLabels(KubeObject workload) {
        return Yamls.map(workload.spec(), "template", "metadata", "labels");
    }

    private static Map<String, Integer> containerPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object entry : Yamls.list(container.get("ports"))) {
            Map<String, Object> port = Yamls.map(entry);
            if (port.get("containerPort") instanceof Integer number) {
                ports.put(Optional.ofNullable(Yamls.text(port.get("name"))).orElse("#" + number), number);
            }
        }
        return ports;
    }

    private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty()
                && selector.entrySet().stream()
                        .allMatch(e -> String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey()))));
    }
}
