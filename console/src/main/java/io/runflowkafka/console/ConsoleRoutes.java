package io.runflowkafka.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the console, on the HTTP server the services use (Javalin): the page and its bundled assets, one JSON
 * endpoint per view (the page polls them), the thumbnails and the replay. Returned unstarted.
 */
final class ConsoleRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    static final int MAX_ORDERS_SHOWN = 200;
    static final int MAX_JOBS_SHOWN = 50;
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/console.js", "console.js",
            "/console.css", "console.css",
            "/favicon.svg", "favicon.svg");

    /** The console's state and helpers the routes read. */
    record Parts(
            TopicStats stats,
            OrderBook orders,
            DeadLetterLog deadLetters,
            GroupLag lag,
            Readiness readiness,
            Thumbnails thumbnails,
            ReplayDesk replays) {}

    private ConsoleRoutes() {}

    static Javalin create(AccessGuard guard, Parts parts) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = 16 * 1024;
            config.routes.before(guard::check);
            ASSETS.forEach((path, file) -> config.routes.get(path, ctx -> asset(ctx, file)));
            config.routes.get("/api/pipeline", ctx -> ctx.json(pipeline(parts)));
            config.routes.get("/api/orders", ctx -> ctx.json(orders(parts)));
            config.routes.get(
                    "/api/gallery",
                    ctx -> ctx.json(Map.of(
                            "jobs",
                            parts.orders().archivedJobs().stream()
                                    .limit(MAX_JOBS_SHOWN)
                                    .toList())));
            config.routes.get("/api/dead-letters", ctx -> ctx.json(deadLetters(parts)));
            config.routes.post(
                    "/api/replay/dry-run", ctx -> ctx.json(parts.replays().dryRun(topic(ctx))));
            config.routes.post(
                    "/api/replay",
                    ctx -> ctx.json(parts.replays()
                            .replay(topic(ctx), String.valueOf(body(ctx).getOrDefault("confirmation", "")))));
            config.routes.get("/thumbs/archive", ctx -> {
                String key = ctx.queryParam("key");
                image(
                        ctx,
                        key != null && parts.orders().isArchivedKey(key)
                                ? parts.thumbnails().ofArchived(key)
                                : Optional.empty());
            });
            config.routes.get(
                    "/thumbs/photo",
                    ctx -> image(
                            ctx,
                            Optional.ofNullable(ctx.queryParam("upload"))
                                    .flatMap(parts.orders()::imageUri)
                                    .flatMap(parts.thumbnails()::ofPhoto)));
            config.routes.exception(
                    IllegalArgumentException.class,
                    (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("console request {} failed", ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal error: see the log"));
            });
        });
    }

    private static Map<String, Object> pipeline(Parts parts) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("now", System.currentTimeMillis());
        view.put("topics", parts.stats().views(System.currentTimeMillis()));
        view.put("readerError", parts.stats().readerProblem());
        view.put("lag", parts.lag().views());
        view.put("lagError", parts.lag().error());
        view.put("services", parts.readiness().views());
        return view;
    }

    private static Map<String, Object> orders(Parts parts) {
        List<Map<String, Object>> shown = parts.orders().orders().stream()
                .limit(MAX_ORDERS_SHOWN)
                .map(order -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("orderId", order.orderId());
                    o.put("userId", order.userId());
                    o.put(
                            "photos",
                            order.photos().stream()
                                    .map(p -> Map.of(
                                            "photo",
                                            p,
                                            "thumbnail",
                                            parts.thumbnails().mayRead(p.imageUri())))
                                    .toList());
                    o.put("job", order.job());
                    o.put("state", order.job() == null ? null : order.job().state());
                    return o;
                })
                .toList();
        return Map.of("orders", shown);
    }

    private static Map<String, Object> deadLetters(Parts parts) {
        Map<String, Object> topics = new LinkedHashMap<>();
        Map<String, Long> totals = parts.deadLetters().totals();
        parts.deadLetters()
                .letters()
                .forEach((topic, letters) ->
                        topics.put(topic, Map.of("total", totals.getOrDefault(topic, 0L), "letters", letters)));
        return Map.of("topics", topics);
    }

    private static String topic(Context ctx) {
        Object topic = body(ctx).get("topic");
        if (!(topic instanceof String name)) {
            throw new IllegalArgumentException("give the dead-letter topic as {\"topic\": ...}");
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Context ctx) {
        try {
            Map<String, Object> body = ctx.bodyAsClass(Map.class);
            return body == null ? Map.of() : body;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
    }

    private static void image(Context ctx, Optional<byte[]> thumbnail) {
        if (thumbnail.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain").result("no thumbnail");
            return;
        }
        ctx.header("Cache-Control", "private, max-age=300");
        ctx.contentType("image/jpeg").result(thumbnail.get());
    }

    private static void asset(Context ctx, String file) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + file)) {
            if (in == null) {
                ctx.status(HttpStatus.NOT_FOUND);
                return;
            }
            ctx.contentType(contentType(file)).result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "image/svg+xml";
    }
}
