package io.runflowkafka.processor;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsRoutes;
import io.runflowkafka.processor.status.JobStatusRoutes;
import java.util.Optional;

/**
 * Every route of the processor's HTTP server: {@code /health/live}, {@code /health/ready}, {@code /metrics}, and
 * with the headshot orders {@code /jobs/{order_id}} and {@code /jobs/by-headshots-id/{headshots_id}}.
 */
final class ProcessorHttp {

    private ProcessorHttp() {}

    /** The server, not started. */
    static Javalin create(Health health, PrometheusMeterRegistry registry, Optional<JobStatusRoutes> jobStatus) {
        return Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            OpsRoutes.addTo(javalin, health, registry);
            jobStatus.ifPresent(routes -> routes.addTo(javalin));
        });
    }
}
