package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/compose: the variables, the structure, the settings' values and, where installed, docker-compose's verdict. */
class ComposeFileTest {

    private static final Path DIR = DeployTree.deploy().resolve("compose");
    private static final Path FILE = DIR.resolve("docker-compose.yml");
    private static final Path ENV_EXAMPLE = DIR.resolve(".env.example");

    /** What a user puts in .env for the required secrets. */
    static final Map<String, String> SECRETS = Map.of(
            "CALLBACK_SECRET", "0123456789abcdef0123456789abcdef",
            "RUNFLOW_API_KEY", "test-api-key",
            "MINIO_ROOT_PASSWORD", "test-minio-password",
            "WEBHOOK_SIGNING_SECRET", "whsec_" + Base64.getEncoder().encodeToString(new byte[32]));

    private final ComposeProject compose = ComposeProject.read(FILE);
    private final EnvFile envExample = EnvFile.read(ENV_EXAMPLE);

    @Test
    void shouldSetOnlyVariablesTheServicesRead() {
        assertThat(compose.environmentProblems()).isEmpty();
        assertThat(compose.runflowServices()).containsValues(RunflowService.values());
    }

    @Test
    void shouldBeStructurallyValidForComposeOneAndTwo() {
        assertThat(compose.structuralProblems()).isEmpty();
    }

    @Test
    void shouldRunTheEmulatorOnlyWithTheSandboxProfile() {
        compose.runflowServices().forEach((name, service) -> {
            List<Object> profiles = Yamls.list(compose.service(name).get("profiles"));
            if (service == RunflowService.EMULATOR) {
                assertThat(profiles).as(name).containsExactly("sandbox");
            } else {
                assertThat(profiles).as(name).isEmpty();
            }
        });
    }

    @Test
    void shouldDocumentEveryInterpolatedVariableInTheEnvExample() {
        assertThat(compose.undocumentedVariables(envExample.documented())).isEmpty();
        assertThat(envExample.values()).containsKeys("CALLBACK_SECRET", "RUNFLOW_API_KEY");
        // Secrets are placeholders: compose refuses to start until they are filled in.
        assertThat(envExample.values().get("CALLBACK_SECRET")).isEmpty();
        assertThat(envExample.values().get("RUNFLOW_API_KEY")).isEmpty();
    }

    @Test
    void shouldGiveEveryServiceSettingsItAcceptsInTheSandbox() {
        Map<String, String> variables = new HashMap<>(envExample.values());
        variables.putAll(SECRETS);
        compose.runflowServices()
                .forEach((name, service) -> assertThat(
                                ServiceSettings.problem(service, compose.resolvedEnvironment(name, variables)))
                        .as(name)
                        .isEmpty());
    }

    @Test
    void shouldGiveEveryServiceSettingsItAcceptsAgainstRealRunflow() {
        Map<String, String> variables = new HashMap<>(envExample.values());
        variables.putAll(envExample.commented());
        variables.putAll(SECRETS);
        assertThat(variables).containsEntry("RUNFLOW_BASE_URL", "https://api.runflow.io");
        compose.runflowServices()
                .forEach((name, service) -> assertThat(
                                ServiceSettings.problem(service, compose.resolvedEnvironment(name, variables)))
                        .as(name)
                        .isEmpty());
    }

    @Test
    void shouldNameOnlyFilesThatExistInItsBindMounts() {
        Map<String, String> variables = new HashMap<>(envExample.values());
        variables.putAll(SECRETS);
        assertThat(compose.missingMountedFiles(variables)).isEmpty();
    }

    @Test
    void shouldCreateTheSinksBucketInTheMinioJob() {
        String bucket = compose.environment("sink").get("SINK_S3_BUCKET");
        String job = String.join(
                " ", ComposeProject.words(compose.service("minio-init").get("command")));
        assertThat(job).contains("mc mb --ignore-existing local/" + bucket);
    }

    @Test
    void shouldRunTheBrokerOfTheProjectsKafkaVersion() {
        Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                .matcher(DeployTree.read(DeployTree.root().resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(Yamls.text(compose.service("kafka").get("image"))).isEqualTo("apache/kafka:" + version.group(1));
        assertThat(Yamls.text(compose.service("topics").get("image"))).isEqualTo("apache/kafka:" + version.group(1));
    }

    @Test
    void shouldPassDockerComposeConfigWhereDockerComposeIsInstalled() {
        Optional<ExternalTool> dockerCompose = ExternalTool.find("docker-compose");
        assumeThat(dockerCompose)
                .as("docker-compose on the PATH (CI: apt-get install -y docker-compose)")
                .isPresent();

        ExternalTool.Result valid = dockerCompose
                .get()
                .run(
                        DIR,
                        env -> cleanEnvironment(env, SECRETS),
                        "--env-file",
                        ENV_EXAMPLE.toString(),
                        "-f",
                        FILE.toString(),
                        "--profile",
                        "sandbox",
                        "config",
                        "-q");
        assertThat(valid.exitCode()).as(valid.output()).isZero();

        Map<String, String> noCallbackSecret = new HashMap<>(SECRETS);
        noCallbackSecret.remove("CALLBACK_SECRET");
        ExternalTool.Result refused = dockerCompose
                .get()
                .run(
                        DIR,
                        env -> cleanEnvironment(env, noCallbackSecret),
                        "--env-file",
                        ENV_EXAMPLE.toString(),
                        "-f",
                        FILE.toString(),
                        "config",
                        "-q");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("CALLBACK_SECRET");
    }

    /** The test's own variables only: nothing from the machine's environment decides the outcome. */
    private static void cleanEnvironment(Map<String, String> environment, Map<String, String> variables) {
        environment
                .keySet()
                .removeIf(name -> name.startsWith("COMPOSE_")
                        || name.startsWith("DOCKER_")
                        || EnvFile.read(ENV_EXAMPLE).documented().contains(name));
        environment.putAll(variables);
    }
}
