package io.runflowkafka.common.ops;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** A small HTTP server with only the operations routes, for services that serve nothing else. */
public final class OpsServer implements AutoCloseable {

    private final Javalin app;

    private OpsServer(Javalin app) {
        this.app = app;
    }

    /** Starts the server on {@code host:port} ({@code port} 0 picks a free one). */
    public static OpsServer start(String host, int port, Health health, PrometheusMeterRegistry registry) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            OpsRoutes.addTo(config, health, registry);
        });
        app.start(host, port);
        return new OpsServer(app);
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
