package io.runflowkafka.bridge;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.bridge.BridgeMetrics.Outcome;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsRoutes;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the bridge in one place, returned unstarted: the two callback endpoints, a catch-all that
 * answers 401 to any other webhook path, and the operations routes.
 */
final class BridgeRoutes {

    /** Generate Headshots completion callbacks. */
    static final String HEADSHOTS_PATH = "/webhooks/runflow/headshots/{job_ref}/{token}";
    /** Model API run callbacks. */
    static final String RUNS_PATH = "/webhooks/runflow/runs/{job_ref}/{token}";

    private static final Logger LOG = LoggerFactory.getLogger(BridgeRoutes.class);

    private BridgeRoutes() {}

    /**
     * Builds the app; the caller starts it on a host and port.
     *
     * @param headshots the handler of headshots callbacks
     * @param runs the handler of run callbacks
     * @param metrics where requests to unknown webhook paths are counted
     * @param health what {@code /health/*} reports
     * @param registry what {@code /metrics} exposes
     * @param server the server setup (the caller starts it on its host and port)
     * @param limits the request limits: Javalin's own size limit for bodies without a declared length
     * @param threadPool Jetty's request threads, made with {@code server.threads()} (also where Kafka answers are
     *     written)
     */
    static Javalin create(
            CallbackHandler headshots,
            CallbackHandler runs,
            BridgeMetrics metrics,
            Health health,
            PrometheusMeterRegistry registry,
            BridgeSettings.Server server,
            BridgeSettings.Limits limits,
            ThreadPool threadPool) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.http.prefer405over404 = true;
            // Javalin copies each answer through a buffer of this size, allocated per response: a callback's answer
            // is < 200 bytes (32 KiB by default was a quarter of the bridge's allocations under load); /metrics just
            // goes out in more writes. Jetty's own output buffer is not changed by it.
            config.http.responseBufferSize = 4 * 1024;
            config.jetty.threadPool = threadPool;
            config.jetty.modifyServer(jetty -> {
                // A stop first refuses new connections, then waits up to the timeout for requests in flight.
                jetty.setStopTimeout(server.shutdownTimeout().toMillis());
                jetty.insertHandler(new GracefulHandler());
            });
            if (server.requestLog()) {
                config.requestLogger.http(new RequestLog());
            }

            config.routes.post(HEADSHOTS_PATH, headshots);
            config.routes.post(RUNS_PATH, runs);
            // Any other callback path, e.g. one without a token: the same 401 as a wrong token.
            config.routes.post("/webhooks/*", ctx -> {
                long started = System.nanoTime();
                ctx.status(Outcome.UNAUTHORIZED.status())
                        .json(CallbackHandler.error("unauthorized", "callback not authenticated"));
                metrics.record("unknown", Outcome.UNAUTHORIZED, started);
            });
            OpsRoutes.addTo(config, health, registry);

            config.routes.error(404, ctx -> ctx.json(CallbackHandler.error("not_found", "no such endpoint")));
            config.routes.error(405, ctx -> ctx.json(CallbackHandler.error("method_not_allowed", "use POST")));
            config.routes.exception(Exception.class, (e, ctx) -> internalError(ctx, e, metrics));
        });
    }

    private static void internalError(Context ctx, Exception e, BridgeMetrics metrics) {
        LOG.error("Unexpected failure on {} {}", ctx.method(), RequestLog.redact(ctx.path()), e);
        ctx.status(Outcome.ERROR.status())
                .json(CallbackHandler.error("internal_error", "the bridge failed; retry later"));
        String path = ctx.path();
        String kind = path.startsWith("/webhooks/runflow/headshots/")
                ? "headshots"
                : path.startsWith("/webhooks/runflow/runs/") ? "runs" : "unknown";
        // The latency of a failure is not measured from arrival here; the count is what matters.
        metrics.record(kind, Outcome.ERROR, System.nanoTime());
    }
}
