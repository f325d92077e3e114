package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.cli.deploy.Kustomize.KubeObject;
import io.runflowkafka.cli.deploy.Kustomize.Rendering;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/k8s: the base and the example overlay render and pass every check. */
class KubernetesBaseTest {

    private static final Path K8S = DeployTree.deploy().resolve("k8s");
    private static final Path SECRETS_EXAMPLE = K8S.resolve("secrets.example.yaml");

    /** Values of the documented Secrets' keys as an operator would create them. */
    private static final BiFunction<String, String, String> SECRET_VALUES = (secret, key) -> key.contains("signing")
            ? "whsec_" + Base64.getEncoder().encodeToString(new byte[32])
            : "0123456789abcdef0123456789abcdef";

    private static Rendering render(String kustomization) {
        return Kustomize.render(K8S.resolve(kustomization));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldRenderAndPassEveryCheck(String kustomization) {
        Rendering rendering = render(kustomization);

        assertThat(rendering.problems()).isEmpty();
        assertThat(KubernetesChecks.of(rendering, SECRETS_EXAMPLE).problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldGiveEveryServiceSettingsItAccepts(String kustomization) {
        Rendering rendering = render(kustomization);
        KubernetesChecks checks = KubernetesChecks.of(rendering, SECRETS_EXAMPLE);
        for (KubeObject deployment : rendering.ofKind("Deployment")) {
            for (Object entry : Yamls.list(KubernetesChecks.podSpec(deployment).get("containers"))) {
                Map<String, Object> container = Yamls.map(entry);
                RunflowService service =
                        KubernetesChecks.runflowService(container).orElseThrow();
                assertThat(ServiceSettings.problem(service, checks.environment(container, SECRET_VALUES)))
                        .as(deployment.toString())
                        .isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldKeepEverySecretOutOfTheConfigMaps(String kustomization) {
        for (KubeObject configMap : render(kustomization).ofKind("ConfigMap")) {
            for (String variable : Yamls.map(configMap.body().get("data")).keySet()) {
                for (RunflowService service : RunflowService.values()) {
                    ServiceVariables.of(service)
                            .keyOf(variable)
                            .ifPresent(key -> assertThat(isPassword(service, key))
                                    .as(configMap + " holds " + variable + ", a secret: reference a Secret instead")
                                    .isFalse());
                }
                assertThat(variable)
                        .as(configMap + ": credentials belong in a Secret")
                        .isNotIn("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "KAFKA_SASL_JAAS_CONFIG");
            }
        }
    }

    private static boolean isPassword(RunflowService service, String key) {
        return service.definition()
                .map(def -> def.configKeys().get(key))
                .map(k -> k.type == ConfigDef.Type.PASSWORD)
                .orElse(false);
    }

    @Test
    void shouldRunEachServiceOnceWithAServiceAndADisruptionBudget() {
        Rendering base = render("base");

        Set<String> services = base.ofKind("Deployment").stream()
                .flatMap(d -> Yamls.list(KubernetesChecks.podSpec(d).get("containers")).stream())
                .map(c -> KubernetesChecks.runflowService(Yamls.map(c))
                        .orElseThrow()
                        .command())
                .collect(Collectors.toSet());
        assertThat(services).containsExactlyInAnyOrder("processor", "bridge", "sink");
        assertThat(base.ofKind("Service")).hasSize(3);
        assertThat(base.ofKind("PodDisruptionBudget")).hasSize(3);
        assertThat(base.ofKind("ConfigMap"))
                .extracting(KubeObject::name)
                .containsExactlyInAnyOrder(
                        "runflow-kafka-common",
                        "runflow-kafka-processor",
                        "runflow-kafka-bridge",
                        "runflow-kafka-sink");
        assertThat(base.ofKind("Secret"))
                .as("secrets are created outside the base")
                .isEmpty();
    }

    @Test
    void shouldDocumentEverySecretInTheReadme() {
        String readme = DeployTree.read(DeployTree.deploy().resolve("README.md"));
        List<String> names = DeployTree.yamlDocuments(SECRETS_EXAMPLE).stream()
                .map(d -> Yamls.text(Yamls.map(d), "metadata", "name"))
                .toList();
        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(readme).contains(name));
    }
}
