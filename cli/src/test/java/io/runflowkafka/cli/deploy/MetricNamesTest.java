package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** MetricNamesIT's check fails on each kind of gap: a name, a histogram bound, a name on the wrong service. */
class MetricNamesTest {

    private static final Map<String, Scrape> SCRAPES = Map.of(
            "runflow-kafka-sink",
            new Scrape("runflow-kafka-sink", """
                    # HELP service_ready ready
                    # TYPE service_ready gauge
                    service_ready{application="runflow-kafka-sink"} 1.0
                    sink_archive_expiry_margin_seconds_bucket{application="runflow-kafka-sink",le="3600.0"} 0
                    """),
            "runflow-kafka-bridge",
            new Scrape("runflow-kafka-bridge", """
                    bridge_requests_seconds_count{application="runflow-kafka-bridge",kind="headshots"} 1
                    """));

    @Test
    void shouldFindNothingMissingWhenEveryNameBoundAndServiceIsThere() {
        assertThat(MetricNames.missing(
                        SCRAPES,
                        Map.of(
                                "a",
                                "sum by (application) (increase(sink_archive_expiry_margin_seconds_bucket"
                                        + "{application=\"runflow-kafka-sink\", le=\"3600.0\"}[15m])) > 0",
                                "b",
                                "service_ready == 0 or rate(bridge_requests_seconds_count[5m]) > 1"),
                        Map.of()))
                .isEmpty();
    }

    @Test
    void shouldReportAMissingNameAMissingBoundAndANameReadFromTheWrongService() {
        assertThat(MetricNames.missing(
                        SCRAPES,
                        Map.of(
                                "name",
                                "rate(sink_images_lost_total[5m])",
                                "bound",
                                "sink_archive_expiry_margin_seconds_bucket{le=\"14400.0\"}",
                                "service",
                                "bridge_requests_seconds_count{application=\"runflow-kafka-sink\"}"),
                        Map.of()))
                .containsExactlyInAnyOrder(
                        "name: sink_images_lost_total",
                        "bound: sink_archive_expiry_margin_seconds_bucket with le=\"14400.0\"",
                        "service: bridge_requests_seconds_count from runflow-kafka-sink");
    }

    @Test
    void shouldAcceptANameListedAsNotExposed() {
        assertThat(MetricNames.missing(
                        SCRAPES, Map.of("up", "up == 0"), Map.of("up", "made by Prometheus, not by a service")))
                .isEmpty();
    }
}
