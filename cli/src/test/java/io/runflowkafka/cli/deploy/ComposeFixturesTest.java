package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ComposeProject finds each kind of mistake, on a fixture holding one of each. */
class ComposeFixturesTest {

    private final ComposeProject broken = ComposeProject.read(DeployTree.fixture("compose-broken/docker-compose.yml"));

    @Test
    void shouldReportEveryVariableTheServiceDoesNotRead() {
        List<String> problems = broken.environmentProblems();

        assertThat(problems).hasSize(6);
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .contains("service processor: PROCESSOR_MAX_INFLIGHT")
                        .contains("did you mean PROCESSOR_MAX_IN_FLIGHT?"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("service processor: HTTP_PORT_FILE"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .contains("service bridge: BRIDGE_CALLBACK_SECRET ")
                        .contains("did you mean BRIDGE_CALLBACK_SECRETS?"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("service bridge: AWS_REGION"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .contains("service emulator: RUNFLOW_EMULATOR_APIKEYS")
                        .contains("did you mean RUNFLOW_EMULATOR_API_KEYS?"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("service sink: AWS_SECRET_KEY"));
    }

    @Test
    void shouldReportEveryStructuralMistake() {
        List<String> problems = broken.structuralProblems();

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("top-level name"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("service kafka: runs until stopped but has no healthcheck"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("service topics: runs until stopped but has no healthcheck"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("waits for kafka to be healthy, but it has no healthcheck"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("depends on registry, which is not a service"));
        assertThat(problems)
                .anySatisfy(
                        p -> assertThat(p).contains("depends on emulator, which runs only with profile(s) [sandbox]"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("healthcheck.start_interval"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .contains("service processor: healthcheck must ask http://localhost:8092/health/ready"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("uses volume bridge-data, which is not declared"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("mounts ./missing, which does not exist"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("depends_on.topics.required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("waits for topics to complete, but it restarts"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("service worker: runs the runflow-kafka image with 'worker'"));
        assertThat(problems).hasSize(13);
    }
}
