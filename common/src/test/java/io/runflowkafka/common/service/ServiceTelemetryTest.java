package io.runflowkafka.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceTelemetryTest {

    @Test
    void shouldServeTheJvmsOwnMetricsBesideTheServices() {
        try (ServiceTelemetry telemetry = new ServiceTelemetry()) {
            telemetry.registry().counter("runflow.test.events").increment();

            String scrape = telemetry.registry().scrape();

            assertThat(scrape)
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_threads_live_threads")
                    .contains("jvm_classes_loaded_classes")
                    .contains("process_cpu_usage")
                    .contains("process_uptime_seconds")
                    .contains("runflow_test_events_total 1.0");
        }
    }
}
