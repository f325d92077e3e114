package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Compose's "monitoring" profile: Prometheus scrapes every service on its HTTP port and loads the rules of
 * deploy/prometheus, Grafana gets that Prometheus and the dashboard of deploy/grafana.
 */
class ComposeMonitoringTest {

    private static final Path DIR = DeployTree.deploy().resolve("compose");
    private static final Path PROMETHEUS_CONFIG = DIR.resolve("monitoring/prometheus.yml");
    private final ComposeProject compose = ComposeProject.read(DIR.resolve("docker-compose.yml"));

    /** Bind mounts of a compose service: container path → host file, resolved against the compose folder. */
    private Map<String, Path> mounts(String service) {
        Map<String, Path> mounts = new HashMap<>();
        for (Object volume : Yamls.list(compose.service(service).get("volumes"))) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts[0].startsWith(".")) {
                mounts.put(parts[1], DIR.resolve(parts[0]).normalize());
            }
        }
        return mounts;
    }

    @Test
    void shouldRunPrometheusAndGrafanaOnlyWithTheMonitoringProfile() {
        for (String name : List.of("prometheus", "grafana")) {
            assertThat(Yamls.list(compose.service(name).get("profiles")))
                    .as(name)
                    .containsExactly("monitoring");
        }
    }

    @Test
    void shouldScrapeEveryServiceOnItsHttpPort() {
        Set<String> expected = new TreeSet<>();
        compose.runflowServices().forEach((name, service) -> {
            Object port = Yamls.map(compose.service(name).get("environment")).get("HTTP_PORT");
            if (port != null && service != RunflowService.EMULATOR) {
                expected.add(name + ":" + port);
            }
        });
        Set<String> targets = new TreeSet<>();
        for (Object job : Yamls.list(DeployTree.yamlMapping(PROMETHEUS_CONFIG).get("scrape_configs"))) {
            for (Object staticConfig : Yamls.list(Yamls.map(job).get("static_configs"))) {
                Yamls.list(Yamls.map(staticConfig).get("targets")).forEach(t -> targets.add(String.valueOf(t)));
            }
        }

        assertThat(expected).containsExactlyInAnyOrder("processor:8092", "bridge:8090", "sink:8091");
        assertThat(targets).isEqualTo(expected);
    }

    @Test
    void shouldLoadTheAlertRulesAndTheDashboardOfThisFolder() {
        Map<String, Path> prometheus = mounts("prometheus");
        for (Object ruleFile :
                Yamls.list(DeployTree.yamlMapping(PROMETHEUS_CONFIG).get("rule_files"))) {
            assertThat(prometheus.get(String.valueOf(ruleFile)))
                    .as("rule file " + ruleFile)
                    .isEqualTo(PrometheusRules.RULES);
        }
        assertThat(prometheus).containsValue(PROMETHEUS_CONFIG);

        Map<String, Path> grafana = mounts("grafana");
        assertThat(grafana).containsValue(GrafanaDashboard.FILE);
        String dashboards = Yamls.text(
                Yamls.map(Yamls.list(DeployTree.yamlMapping(DIR.resolve("monitoring/grafana-dashboards.yml"))
                                .get("providers"))
                        .get(0)),
                "options",
                "path");
        assertThat(grafana.entrySet()).anySatisfy(mount -> {
            assertThat(mount.getKey()).startsWith(dashboards + "/");
            assertThat(mount.getValue()).isEqualTo(GrafanaDashboard.FILE);
        });
        Map<String, Object> datasource =
                Yamls.map(Yamls.list(DeployTree.yamlMapping(DIR.resolve("monitoring/grafana-datasource.yml"))
                                .get("datasources"))
                        .get(0));
        assertThat(Yamls.text(datasource.get("url"))).isEqualTo("http://prometheus:9090");
    }

    @Test
    void shouldPassPromtoolCheckConfig() throws Exception {
        Optional<ExternalTool> promtool = ExternalTool.find("promtool");
        assumeThat(promtool)
                .as("promtool on the PATH (Debian: apt-get install -y prometheus); the config is not validated")
                .isPresent();
        // The rule file's path is the container's; point it at this checkout's copy for the check.
        Path work = Files.createDirectories(DeployTree.root().resolve("cli/target/deploy-tools"));
        Path config = work.resolve("prometheus.yml");
        String text = DeployTree.read(PROMETHEUS_CONFIG);
        for (Map.Entry<String, Path> mount : mounts("prometheus").entrySet()) {
            text = text.replace(mount.getKey(), mount.getValue().toString());
        }
        Files.writeString(config, text);

        ExternalTool.Result result = promtool.get().run(work, env -> {}, "check", "config", config.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 1 rule files found");
    }
}
