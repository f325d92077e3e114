package io.runflowkafka.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceTelemetryTest {

    @Test
    void shouldServeTheJvmsOwnMetricsBesideTheServices() {
        try (ServiceTelemetry telemetry = new ServiceTelemetry("runflow-kafka-test")) {
            telemetry.registry().counter("runflow.test.events").increment();

            String scrape = telemetry.registry().scrape();

            assertThat(scrape)
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_threads_live_threads")
                    .contains("jvm_classes_loaded_classes")
                    .contains("process_cpu_usage")
                    .contains("process_uptime_seconds")
                    .contains("runflow_test_events_total{application=\"runflow-kafka-test\"} 1.0");
        }
    }

    @Test
    void shouldTagEveryMeterWithTheApplication() {
        try (ServiceTelemetry telemetry = new ServiceTelemetry("runflow-kafka-test")) {
            assertThat(telemetry.registry().getMeters())
                    .isNotEmpty()
                    .allSatisfy(meter ->
                            assertThat(meter.getId().getTag("application")).isEqualTo("runflow-kafka-test"));
        }
    }

    @Test
    void shouldReportReadinessAsAGaugeThatFollowsTheHealth() {
        try (ServiceTelemetry telemetry = new ServiceTelemetry("runflow-kafka-test")) {
            assertThat(ready(telemetry)).as("nothing registered yet: not ready").isZero();

            telemetry.health().up("kafka", "connected");
            assertThat(ready(telemetry)).isEqualTo(1);
            assertThat(telemetry.registry().scrape()).contains("service_ready{application=\"runflow-kafka-test\"} 1.0");

            telemetry.health().down("archive", "bucket unreachable");
            assertThat(ready(telemetry)).isZero();
        }
    }

    private static double ready(ServiceTelemetry telemetry) {
        return telemetry.registry().get("service.ready").gauge().value();
    }

    @Test
    void shouldCloseTheBindersItBoundWithItself() {
        AtomicBoolean closed = new AtomicBoolean();
        final class Counting implements MeterBinder, AutoCloseable {
            @Override
            public void bindTo(MeterRegistry registry) {
                registry.counter("binder.bound").increment();
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
        ServiceTelemetry telemetry = new ServiceTelemetry("runflow-kafka-test");
        telemetry.bind(new Counting());

        assertThat(telemetry.registry().get("binder.bound").counter().count()).isEqualTo(1.0);
        assertThat(closed).isFalse();
        telemetry.close();
        assertThat(closed).as("closed with the telemetry").isTrue();
    }
}
