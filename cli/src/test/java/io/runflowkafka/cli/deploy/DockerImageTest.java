package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile packs the app folder the cli module builds and runs it as the compose and k8s files expect. */
class DockerImageTest {

    private static final Path DOCKER = DeployTree.deploy().resolve("docker");
    private static final String APP = "/opt/runflow-kafka";

    private final List<String> instructions = instructions(DOCKER.resolve("Dockerfile"));

    @Test
    void shouldRunTheCliOnAJava17RuntimeWithTheServiceAsCommand() {
        assertThat(instruction("FROM"))
                .hasValueSatisfying(from ->
                        assertThat(from).startsWith("eclipse-temurin:17").contains("jre"));
        assertThat(instruction("ENTRYPOINT")).contains("[\"" + APP + "/bin/runflow-kafka\"]");
        assertThat(instruction("CMD")).isPresent();
        assertThat(DeployTree.root().resolve("cli/src/main/dist/bin/runflow-kafka"))
                .isRegularFile();
    }

    @Test
    void shouldCopyTheAppFolderThatTheCliModulePackages() {
        assertThat(instruction("COPY")).contains("cli/target/runflow-kafka/ " + APP + "/");
        String cliPom = DeployTree.read(DeployTree.root().resolve("cli/pom.xml"));
        assertThat(cliPom)
                .contains("${project.build.directory}/runflow-kafka/lib")
                .contains("<directory>src/main/dist</directory>");
        assertThat(DeployTree.read(DOCKER.resolve("Dockerfile.dockerignore"))).contains("!cli/target/runflow-kafka");
        assertThat(instruction("RUN", "chmod"))
                .hasValueSatisfying(run -> assertThat(run).contains(APP + "/bin/runflow-kafka"));
    }

    @Test
    void shouldRunAsTheNonRootUserTheKubernetesPodsDeclare() {
        String user = instruction("USER").orElseThrow();
        String uid = user.split(":")[0];
        assertThat(uid).matches("[1-9][0-9]*");
        for (Kustomize.KubeObject deployment :
                Kustomize.render(DeployTree.deploy().resolve("k8s/base")).ofKind("Deployment")) {
            assertThat(Yamls.text(KubernetesChecks.podSpec(deployment), "securityContext", "runAsUser"))
                    .as(deployment.toString())
                    .isEqualTo(uid);
        }
    }

    @Test
    void shouldInstallTheToolTheHealthchecksCall() {
        ComposeProject compose = ComposeProject.read(DeployTree.deploy().resolve("compose/docker-compose.yml"));
        compose.runflowServices().keySet().forEach(name -> {
            List<String> test = ComposeProject.words(
                    Yamls.map(compose.service(name).get("healthcheck")).get("test"));
            assertThat(test).as(name).hasSizeGreaterThan(1);
            assertThat(instruction("RUN", "apt-get install"))
                    .as(name)
                    .hasValueSatisfying(run -> assertThat(run).contains(" " + test.get(1)));
        });
    }

    /** The argument of the first instruction of a kind (containing {@code text}, if given). */
    private Optional<String> instruction(String keyword, String... text) {
        return instructions.stream()
                .filter(i -> i.startsWith(keyword + " "))
                .map(i -> i.substring(keyword.length() + 1).strip())
                .filter(argument -> text.length == 0 || argument.contains(text[0]))
                .findFirst();
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions(Path dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : DeployTree.read(dockerfile).split("\\R")) {
            String text = line.strip();
            if (text.startsWith("#") || (text.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = text.endsWith("\\");
            current.append(continues ? text.substring(0, text.length() - 1) : text)
                    .append(' ');
            if (!continues) {
                instructions.add(current.toString().strip().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        assertThat(Files.isRegularFile(dockerfile)).isTrue();
        return instructions;
    }
}
