package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every route of the emulator, in one place; returns the server unstarted. */
final class EmulatorRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatorRoutes.class);

    /** The handlers the routes call. */
    record Handlers(
            SolutionsApi solutions,
            ModelApi models,
            HeadshotImages images,
            Sandbox sandbox,
            AdminApi admin,
            Responder responder) {}

    private EmulatorRoutes() {}

    static Javalin create(Handlers h, EmulatorCounters counters, ObjectMapper json, Consumer<JavalinConfig> server) {
        return Javalin.create(config -> {
            server.accept(config);
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.requestLogger.http((ctx, millis) -> {
                Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
                counters.response(
                        ctx.method().name(), endpoint == null ? "(unmatched)" : endpoint.path, ctx.statusCode());
            });

            // Solutions API (x-api-key)
            config.routes.post("/api/v1/images/score", h.solutions()::score);
            config.routes.post("/api/v1/images/generate-headshots", h.solutions()::generateHeadshots);
            // Model API (Bearer); the slug may contain slashes, e.g. openai/gpt-image-2/edit
            config.routes.post("/v1/models/{owner}/<slug>/runs", h.models()::createRun);
            config.routes.get("/v1/runs/{id}", h.models()::getRun);
            config.routes.get("/v1/health", h.models()::health);
            // CDN of generated images (no key; expire with 410)
            config.routes.get("/cdn/headshots/{id}/{file}", h.images()::image);
            // Sandbox extras: sample photos and the admin endpoints
            config.routes.get("/sandbox/samples", h.sandbox()::list);
            config.routes.get("/sandbox/samples/{name}", h.sandbox()::sample);
            config.routes.get("/admin/faults", h.admin()::getFaults);
            config.routes.patch("/admin/faults", h.admin()::patchFaults);
            config.routes.delete("/admin/faults", h.admin()::resetFaults);
            config.routes.get("/admin/counters", h.admin()::getCounters);
            config.routes.post("/admin/counters/reset", h.admin()::resetCounters);

            config.routes.exception(
                    ApiError.class, (e, ctx) -> h.responder().write(ctx, Reply.error(json, e), Duration.ZERO));
            config.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> h.responder()
                            .write(
                                    ctx,
                                    Reply.json(json, e.getStatus(), Map.of("detail", e.getMessage())),
                                    Duration.ZERO));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                h.responder()
                        .write(
                                ctx,
                                Reply.json(json, 500, Map.of("detail", "internal error in the emulator")),
                                Duration.ZERO);
            });
            config.routes.error(404, ctx -> {
                if (ctx.endpoints().matchedHttpEndpoint() == null) {
                    h.responder().write(ctx, Reply.json(json, 404, Map.of("detail", "not found")), Duration.ZERO);
                }
            });
        });
    }
}
