package io.runflowkafka.processor.status;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.runflowkafka.callbacks.UriEncoding;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job-status API: {@code GET /jobs/{order_id}} and {@code GET /jobs/by-headshots-id/{headshots_id}}.
 * A key held by another instance is answered by forwarding the request to that instance once; unknown ids
 * get 404, malformed ones 400, and a store that cannot answer yet, here or at the holder (starting,
 * rebalancing, or a holder that has stopped answering), 503 with {@code Retry-After}, each with a JSON error.
 */
public final class JobStatusRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(JobStatusRoutes.class);

    /** Marks a request forwarded by another instance, so that it is never forwarded again. */
    public static final String FORWARDED_HEADER = "X-Runflow-Forwarded";

    static final int MAX_ORDER_ID_CHARS = 256;
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String JSON = "application/json";
    private static final String RETRY_AFTER = "Retry-After";
    private static final String RETRY_AFTER_SECONDS = "1";

    private final JobStatusLookup lookup;
    private final HttpClient http;
    private final Duration forwardTimeout;

    /**
     * @param lookup where statuses are found
     * @param forwardTimeout how long a forwarded request may take in all
     */
    public JobStatusRoutes(JobStatusLookup lookup, Duration forwardTimeout) {
        this.lookup = lookup;
        this.forwardTimeout = forwardTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(forwardTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Adds the routes to a Javalin configuration. */
    public void addTo(JavalinConfig config) {
        config.routes.get("/jobs/by-headshots-id/{headshots_id}", this::byHeadshotsId);
        config.routes.get("/jobs/{order_id}", this::byOrderId);
    }

    private void byOrderId(Context ctx) {
        String orderId = ctx.pathParam("order_id");
        if (orderId.isBlank()
                || orderId.length() > MAX_ORDER_ID_CHARS
                || orderId.chars().anyMatch(Character::isISOControl)) {
            badRequest(ctx, "an order id is 1 to " + MAX_ORDER_ID_CHARS + " characters without control characters");
            return;
        }
        answer(ctx, lookup::byOrderId, orderId, "/jobs/", "no headshots job is known for order " + orderId);
    }

    private void byHeadshotsId(Context ctx) {
        String headshotsId = ctx.pathParam("headshots_id");
        if (!CANONICAL_UUID.matcher(headshotsId).matches()) {
            badRequest(ctx, "a headshots id is a UUID in canonical form (8-4-4-4-12 hex digits)");
            return;
        }
        answer(
                ctx,
                lookup::byHeadshotsId,
                headshotsId,
                "/jobs/by-headshots-id/",
                "no headshots job is known with headshots_id " + headshotsId);
    }

    private void answer(
            Context ctx, Function<String, JobStatusLookup.Result> find, String id, String path, String notFound) {
        JobStatusLookup.Result result = find.apply(id);
        if (result instanceof JobStatusLookup.Found found) {
            ctx.status(HttpStatus.OK).json(JobStatusJson.of(found.status()));
        } else if (result instanceof JobStatusLookup.NotFound) {
            ctx.status(HttpStatus.NOT_FOUND).json(JobStatusJson.error("not_found", notFound));
        } else if (result instanceof JobStatusLookup.Elsewhere elsewhere) {
            forward(ctx, elsewhere.host(), path + UriEncoding.pathSegment(id));
        } else {
            unavailable(ctx, ((JobStatusLookup.Unavailable) result).reason());
        }
    }

    private void forward(Context ctx, HostInfo host, String path) {
        if (ctx.header(FORWARDED_HEADER) != null) {
            // The sender thought this instance holds the key; ownership is moving: let the client retry.
            unavailable(ctx, "the job-status store is moving between instances; try again");
            return;
        }
        URI target = URI.create("http://" + hostPort(host) + path);
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(forwardTimeout)
                .header(FORWARDED_HEADER, "1")
                .header("Accept", JSON)
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            // Relay the answer whole: a 503 from the holder (its stores moving) keeps its Retry-After.
            response.headers()
                    .firstValue(RETRY_AFTER)
                    .or(() ->
                            response.statusCode() == 503 ? Optional.of(RETRY_AFTER_SECONDS) : Optional.<String>empty())
                    .ifPresent(value -> ctx.header(RETRY_AFTER, value));
            ctx.status(response.statusCode())
                    .contentType(response.headers().firstValue("Content-Type").orElse(JSON))
                    .result(response.body());
        } catch (IOException e) {
            // The holder named by the group's last assignment does not answer: it has stopped or crashed, and the
            // group gives its stores to another instance within the session time-out. A rebalance is under way
            // (even if not yet noticed): the client should retry, as for any store that is moving.
            LOG.warn("cannot forward a job-status request to {}: {}", hostPort(host), e.toString());
            unavailable(
                    ctx,
                    "the instance holding this job (" + hostPort(host) + ") does not answer; its stores are "
                            + "moving to another instance, try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(ctx, "interrupted while asking the instance holding this job");
        }
    }

    private static void badRequest(Context ctx, String message) {
        ctx.status(HttpStatus.BAD_REQUEST).json(JobStatusJson.error("bad_request", message));
    }

    private static void unavailable(Context ctx, String message) {
        ctx.header(RETRY_AFTER, RETRY_AFTER_SECONDS)
                .status(HttpStatus.SERVICE_UNAVAILABLE)
                .json(JobStatusJson.error("unavailable", message));
    }

    private static String hostPort(HostInfo host) {
        String name = host.host().contains(":") && !host.host().startsWith("[") ? "[" + host.host() + "]" : host.host();
        return name + ":" + host.port();
    }
}
