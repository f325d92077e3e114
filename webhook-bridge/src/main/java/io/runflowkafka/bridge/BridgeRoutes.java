package io.runflowkafka.bridge;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.bridge.BridgeMetrics.Outcome;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsRoutes;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the bridge in one place, returned unstarted: the two callback endpoints, a catch-all that
 * answers 401 to any other webhook path, and the operations routes.
 */
public final class BridgeRoutes {

    /** Generate Headshots completion callbacks. */
    public static final String HEADSHOTS_PATH = "/webhooks/runflow/headshots/{job_ref}/{token}";
    /** Model API run callbacks. */
    public static final String RUNS_PATH = "/webhooks/runflow/runs/{job_ref}/{token}";

    private static final Logger LOG = LoggerFactory.getLogger(BridgeRoutes.class);

    private BridgeRoutes() {}

    /**
     * How the HTTP server is set up.
     *
     * @param maxBodyBytes Javalin's request size limit, for bodies without a declared length
     * @param shutdownTimeout how long a stop waits for in-flight requests
     * @param requestLog whether to log a line per request
     * @param threadPool Jetty's request threads (also where Kafka answers are written)
     */
    public record ServerSettings(
            int maxBodyBytes, Duration shutdownTimeout, boolean requestLog, ThreadPool threadPool) {

        /** Requires every part. */
        public ServerSettings {
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            Objects.requireNonNull(threadPool, "threadPool");
        }
    }

    /**
     * Builds the app; the caller starts it on a host and port.
     *
     * @param headshots the handler of headshots callbacks
     * @param runs the handler of run callbacks
     * @param metrics where requests to unknown webhook paths are counted
     * @param health what {@code /health/*} reports
     * @param registry what {@code /metrics} exposes
     * @param settings the server setup
     */
    public static Javalin create(
            CallbackHandler headshots,
            CallbackHandler runs,
            BridgeMetrics metrics,
            Health health,
            PrometheusMeterRegistry registry,
            ServerSettings settings) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.jetty.threadPool = settings.threadPool();
            config.jetty.modifyServer(server -> {
                // A stop first refuses new connections, then waits up to the timeout for requests in flight.
                server.setStopTimeout(settings.shutdownTimeout().toMillis());
                server.insertHandler(new GracefulHandler());
            });
            if (settings.requestLog()) {
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
