package io.runflowkafka.common.ops;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** The operations routes every service serves: {@code /health/live}, {@code /health/ready}, {@code /metrics}. */
public final class OpsRoutes {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private OpsRoutes() {}

    /** Adds the three routes to a Javalin configuration. */
    public static void addTo(JavalinConfig config, Health health, PrometheusMeterRegistry registry) {
        config.routes.get("/health/live", ctx -> respond(ctx, health.live(), health));
        config.routes.get("/health/ready", ctx -> respond(ctx, health.ready(), health));
        config.routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
    }

    private static void respond(Context ctx, boolean ok, Health health) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "UP" : "DOWN");
        Map<String, Object> components = new LinkedHashMap<>();
        health.components()
                .forEach((name, component) -> components.put(
                        name,
                        Map.of(
                                "status", component.up() ? "UP" : "DOWN",
                                "detail", component.detail() == null ? "" : component.detail())));
        body.put("components", components);
        ctx.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    }
}
