package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.runflowkafka.cli.deploy.Kustomize.KubeObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Where kubectl is installed, its kustomize renders the same objects as the test's renderer (patches included). */
class KubectlKustomizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldRenderTheSameObjectsAsKubectlKustomize(String kustomization) {
        Optional<ExternalTool> kubectl = ExternalTool.find("kubectl");
        assumeThat(kubectl).as("kubectl on the PATH").isPresent();
        Path dir = DeployTree.deploy().resolve("k8s").resolve(kustomization);

        ExternalTool.Result result = kubectl.get().run(dir, env -> {}, "kustomize", dir.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        Iterable<Object> documents = new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(result.output());
        List<String> rendered = StreamSupport.stream(documents.spliterator(), false)
                .map(Yamls::map)
                .filter(object -> !object.isEmpty())
                .map(object -> Yamls.text(object.get("kind")) + "/" + withoutHash(object))
                .sorted()
                .toList();
        List<String> ours = Kustomize.render(dir).objects().stream()
                .map(KubeObject::body)
                .map(object -> Yamls.text(object.get("kind")) + "/" + Yamls.text(object, "metadata", "name"))
                .sorted()
                .toList();
        assertThat(rendered).isEqualTo(ours);
    }

    /** Generated ConfigMaps and Secrets carry a content hash suffix in kubectl's output. */
    private static String withoutHash(Map<String, Object> object) {
        String name = Yamls.text(object, "metadata", "name");
        String kind = Yamls.text(object.get("kind"));
        return ("ConfigMap".equals(kind) || "Secret".equals(kind)) ? name.replaceFirst("-[a-z0-9]{10}$", "") : name;
    }
}
