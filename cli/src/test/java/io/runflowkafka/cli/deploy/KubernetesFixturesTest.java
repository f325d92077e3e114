package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renderer and the checks find each kind of mistake, on a fixture holding one of each. */
class KubernetesFixturesTest {

    private static final Path BROKEN = DeployTree.fixture("k8s-broken");

    @Test
    void shouldReportEveryMistakeOfTheBrokenKustomization() {
        List<String> problems = KubernetesChecks.of(Kustomize.render(BROKEN), BROKEN.resolve("secrets.example.yaml"))
                .problems();

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("namePrefix is not understood by this renderer"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("resource missing.yaml does not exist"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .contains("SINK_URL_ALLOWED_HOST is not a variable the sink reads")
                        .contains("did you mean SINK_URL_ALLOWED_HOSTS?"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("RUNFLOW_API_KEY is not a variable the sink reads"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("envFrom ConfigMap missing-config, which is not defined"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("references Secret undocumented-secret, which is neither"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("refers to $(POD_NAME), which is not defined before it"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("readinessProbe must GET /health/ready"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("livenessProbe port metrics is not a declared containerPort"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("needs resources.requests.cpu"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("runAsNonRoot"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("Service/sink (sink.yaml): selector {app=sinks} matches no"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("Deployment/sink (sink.yaml) has no PodDisruptionBudget"));
        assertThat(problems).hasSize(13);
    }
}
