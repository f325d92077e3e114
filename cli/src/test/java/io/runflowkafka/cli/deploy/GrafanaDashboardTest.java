package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana: the dashboard imports anywhere (its Prometheus is a variable), every panel has a query on the
 * services' metrics, and it shows what the alerts are about. MetricNamesIT checks the names against the services.
 */
class GrafanaDashboardTest {

    private final JsonNode dashboard = GrafanaDashboard.json();

    @Test
    void shouldImportWithItsOwnUidAndAPrometheusVariable() {
        assertThat(dashboard.path("uid").asText()).isEqualTo("runflow-kafka");
        assertThat(dashboard.path("title").asText()).isNotBlank();
        List<String> variables = new ArrayList<>();
        dashboard
                .path("templating")
                .path("list")
                .forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).contains("datasource");
        for (JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("datasource").path("uid").asText())
                        .as(panel.path("title").asText())
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets"))
                        .as(panel.path("title").asText())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void shouldGiveEveryPanelAUniqueIdAndTitle() {
        Set<Integer> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("id " + panel.path("id"))
                    .isTrue();
            assertThat(titles.add(panel.path("title").asText()))
                    .as("title " + panel.path("title"))
                    .isTrue();
        }
    }

    @Test
    void shouldReadAMetricInEveryQuery() {
        assertThat(GrafanaDashboard.expressions())
                .isNotEmpty()
                .allSatisfy((where, expression) ->
                        assertThat(PromQl.metricNames(expression)).as(where).isNotEmpty());
    }

    @Test
    void shouldShowThroughputRunflowCallsDeadLettersTheDeadlineReadinessLagAndTheJvm() {
        Set<String> read = GrafanaDashboard.expressions().values().stream()
                .flatMap(e -> PromQl.metricNames(e).stream())
                .collect(Collectors.toSet());

        assertThat(read)
                .contains(
                        "uploads_scored_total",
                        "bridge_requests_seconds_count",
                        "sink_events_archived_total",
                        "runflow_calls_latency_seconds_bucket",
                        "runflow_calls_errors_total",
                        "runflow_calls_rate_limited_total",
                        "uploads_dead_lettered_total",
                        "sink_dlq_events_total",
                        "headshots_submissions_reissued_total",
                        "sink_archive_expiry_margin_seconds_bucket",
                        "service_ready",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "jvm_memory_used_bytes",
                        "jvm_gc_pause_seconds_sum");
    }
}
