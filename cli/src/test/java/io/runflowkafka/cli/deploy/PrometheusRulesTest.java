package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.runflowkafka.cli.deploy.PrometheusRules.Alert;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus: every alert is annotated and documented, covers what operators must hear about, and passes
 * {@code promtool check rules} and the rules' own unit tests where promtool is installed (Debian's
 * {@code prometheus} package; {@code .ci/run} installs it).
 */
class PrometheusRulesTest {

    private final List<Alert> alerts = PrometheusRules.alerts();

    @Test
    void shouldGiveEveryAlertASeveritySummaryDescriptionAndRunbook() {
        assertThat(alerts).isNotEmpty().allSatisfy(alert -> {
            assertThat(alert.name()).startsWith("RunflowKafka");
            assertThat(alert.expression()).as(alert.name()).isNotBlank();
            assertThat(alert.labels().get("severity")).as(alert.name()).isIn("warning", "critical");
            assertThat(alert.annotations()).as(alert.name()).containsKeys("summary", "description", "runbook");
            assertThat(String.valueOf(alert.annotations().get("runbook")))
                    .as(alert.name() + "'s runbook points at the README's alerts section")
                    .startsWith("deploy/README.md#alerts: ");
        });
        assertThat(alerts.stream().map(Alert::name).collect(Collectors.toSet()))
                .as("alert names are unique")
                .hasSize(alerts.size());
    }

    @Test
    void shouldAlertOnTheDeadlineDeadLettersReadinessLagRunflowErrorsAndReissuedSubmissions() {
        Set<String> read = alerts.stream()
                .flatMap(a -> PromQl.metricNames(a.expression()).stream())
                .collect(Collectors.toSet());

        assertThat(read)
                .contains(
                        "sink_archive_expiry_margin_seconds_bucket",
                        "sink_images_lost_total",
                        "uploads_dead_lettered_total",
                        "headshots_submissions_total",
                        "sink_dlq_events_total",
                        "service_ready",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "runflow_calls_errors_total",
                        "headshots_submissions_reissued_total");
    }

    @Test
    void shouldDocumentEveryAlertInTheReadme() {
        String readme = DeployTree.read(DeployTree.deploy().resolve("README.md"));
        assertThat(alerts).allSatisfy(alert -> assertThat(readme).contains(alert.name()));
    }

    @Test
    void shouldUnitTestEveryAlertFiring() {
        Set<String> firing = new HashSet<>();
        for (Object test :
                Yamls.list(DeployTree.yamlMapping(PrometheusRules.RULE_TESTS).get("tests"))) {
            for (Object entry : Yamls.list(Yamls.map(test).get("alert_rule_test"))) {
                Map<String, Object> expectation = Yamls.map(entry);
                if (!Yamls.list(expectation.get("exp_alerts")).isEmpty()) {
                    firing.add(Yamls.text(expectation.get("alertname")));
                }
            }
        }
        assertThat(alerts.stream().map(Alert::name).filter(name -> !firing.contains(name)))
                .as("alerts no promtool unit test expects to fire")
                .isEmpty();
    }

    @Test
    void shouldPassPromtoolCheckRules() {
        ExternalTool promtool = promtool();

        ExternalTool.Result result =
                promtool.run(PrometheusRules.DIR, env -> {}, "check", "rules", PrometheusRules.RULES.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + alerts.size() + " rules found");
    }

    @Test
    void shouldPassTheRulesUnitTests() {
        ExternalTool promtool = promtool();

        ExternalTool.Result result = promtool.run(
                PrometheusRules.DIR,
                env -> {},
                "test",
                "rules",
                PrometheusRules.RULE_TESTS.getFileName().toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void shouldFindMetricNamesButNotFunctionsLabelsOrVariables() {
        assertThat(PromQl.metricNames(
                        "sum by (application, le) (rate(a_total{x=\"y\", le=\"1.0\"}[5m])) / on (application)"
                                + " clamp_min(b_seconds_count offset 5m, 1e3) > 0.1 or absent(c{d=\"e\"})"
                                + " unless rate(d[$__rate_interval])"))
                .containsExactly("a_total", "b_seconds_count", "c", "d");
        assertThat(PromQl.bucketBounds("increase(m_bucket{application=\"s\", le=\"3600.0\"}[15m])"))
                .containsEntry("m_bucket", Set.of("3600.0"));
    }

    private static ExternalTool promtool() {
        Optional<ExternalTool> promtool = ExternalTool.find("promtool");
        assumeThat(promtool)
                .as("promtool on the PATH (Debian: apt-get install -y prometheus); the rules are not validated")
                .isPresent();
        return promtool.get();
    }
}
