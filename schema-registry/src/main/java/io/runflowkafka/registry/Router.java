package io.runflowkafka.registry;

import com.sun.net.httpserver.HttpExchange;
import io.runflowkafka.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches requests to the route whose method and path template match, and answers as Confluent's registry does
 * when none does (404 for an unknown path, 405 for a known path with another method) or when a handler fails.
 */
final class Router {

    /** Answers one route. */
    @FunctionalInterface
    interface Handler {
        Reply handle(ApiRequest request);
    }

    private record Route(String method, Pattern path, Handler handler) {}

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern PARAMETER = Pattern.compile("\\{[^/]+}");
    private static final int MAX_BODY = 1 << 20;

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; {@code template} names path parameters in braces, e.g. {@code /subjects/{subject}}. */
    Router route(String method, String template, Handler handler) {
        String regex = PARAMETER.matcher(template).replaceAll("([^/]+)");
        routes.add(new Route(method, Pattern.compile("^" + regex + "/?$"), handler));
        return this;
    }

    /** Answers the exchange and closes it. */
    void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = dispatch(exchange);
            } catch (SchemaRegistryException e) {
                reply = Reply.error(e.httpStatus(), e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn(
                        "local schema registry failed on {} {}",
                        exchange.getRequestMethod(),
                        exchange.getRequestURI(),
                        e);
                reply = Reply.error(
                        500, 50001, "internal error: " + e.getClass().getSimpleName());
            }
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private Reply dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher m = route.path().matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(method)) {
                List<String> params = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    params.add(m.group(i));
                }
                return route.handler()
                        .handle(new ApiRequest(
                                params, query(exchange.getRequestURI().getRawQuery()), body(exchange)));
            }
        }
        return pathKnown
                ? Reply.error(405, 405, "HTTP 405 Method Not Allowed: " + method + " " + path)
                : Reply.error(404, 404, "HTTP 404 Not Found: no such endpoint: " + method + " " + path);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.putIfAbsent(
                    URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new SchemaRegistryException("request body over " + MAX_BODY + " bytes", 422, 42201);
        }
        return body;
    }
}
