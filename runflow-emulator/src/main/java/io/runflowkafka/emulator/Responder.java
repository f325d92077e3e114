package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an API call through the fault plan and answers it asynchronously: added latency and the call's
 * own work complete later on the scheduler or the analysis pool, so no server thread waits (only slow
 * bodies, which dribble on their own pool, hold a thread).
 */
final class Responder {

    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);
    private static final int SLOW_BODY_CHUNKS = 10;

    /** The asynchronous part of an API call, prepared on the request thread. */
    @FunctionalInterface
    interface Call {
        CompletableFuture<Reply> run();
    }

    /** Reads and checks the request on the request thread; may throw {@link ApiError}. */
    @FunctionalInterface
    interface Preparation {
        Call prepare(Context ctx);
    }

    private final Faults faults;
    private final ApiKeys keys;
    private final ScheduledExecutorService scheduler;
    private final Executor slowWriters;
    private final EmulatorCounters counters;
    private final ObjectMapper json;

    Responder(
            Faults faults,
            ApiKeys keys,
            ScheduledExecutorService scheduler,
            Executor slowWriters,
            EmulatorCounters counters,
            ObjectMapper json) {
        this.faults = faults;
        this.keys = keys;
        this.scheduler = scheduler;
        this.slowWriters = slowWriters;
        this.counters = counters;
        this.json = json;
    }

    /**
     * Answers an API call: outage first (at once), then after the added latency: authentication,
     * an injected error, the request's own validation, and finally the work.
     */
    void api(Context ctx, ApiKeys.Scheme scheme, boolean write, Preparation preparation) {
        Faults.Plan plan = faults.plan(true);
        if (plan.outage()) {
            counters.faultsInjected.increment();
            write(ctx, outage(plan), Duration.ZERO);
            return;
        }
        Call call;
        try {
            keys.require(ctx, scheme, write);
            call = plan.injectedStatus() != 0 ? injected(plan) : preparation.prepare(ctx);
        } catch (ApiError e) {
            call = () -> CompletableFuture.completedFuture(Reply.error(json, e));
        } catch (io.javalin.http.HttpResponseException e) {
            throw e;
        } catch (RuntimeException e) {
            // Reading the request failed below our validation (e.g. a malformed multipart body).
            LOG.warn("Unreadable request on {} {}: {}", ctx.method(), ctx.path(), e.toString());
            ApiError unreadable = new ApiError(400, "the request body could not be read");
            call = () -> CompletableFuture.completedFuture(Reply.error(json, unreadable));
        }
        Call chosen = call;
        ctx.future(() -> delay(plan.latency())
                .thenCompose(v -> safely(chosen))
                .exceptionally(this::failureReply)
                .thenAcceptAsync(
                        reply -> write(ctx, reply, plan.slowBody()),
                        plan.slowBody().isZero() ? Runnable::run : slowWriters));
    }

    /** Answers a call that faults never touch except an outage (health). */
    Reply outageOr(Faults.Plan plan, Reply reply) {
        if (!plan.outage()) {
            return reply;
        }
        counters.faultsInjected.increment();
        return outage(plan);
    }

    private Call injected(Faults.Plan plan) {
        counters.faultsInjected.increment();
        int status = plan.injectedStatus();
        Map<String, String> headers = status == 429 || status == 503
                ? Map.of(
                        "Retry-After",
                        Long.toString(Math.max(0, plan.retryAfter().toSeconds())))
                : Map.of();
        String detail = switch (status) {
            case 429 -> "rate limit exceeded: retry later";
            case 503 -> "service temporarily unavailable";
            default -> "injected fault: HTTP " + status;
        };
        Reply reply = Reply.json(json, status, Map.of("detail", detail), headers);
        return () -> CompletableFuture.completedFuture(reply);
    }

    Reply outage(Faults.Plan plan) {
        return Reply.json(
                json,
                503,
                Map.of("detail", "Runflow is unavailable (outage)", "status", "unavailable"),
                Map.of(
                        "Retry-After",
                        Long.toString(Math.max(0, plan.retryAfter().toSeconds()))));
    }

    /** Completes after {@code latency} on the scheduler, holding no thread meanwhile. */
    CompletableFuture<Void> delay(Duration latency) {
        if (latency.isZero()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.schedule(() -> done.complete(null), latency.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    private static CompletableFuture<Reply> safely(Call call) {
        try {
            return call.run();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Reply failureReply(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiError apiError) {
            return Reply.error(json, apiError);
        }
        LOG.error("Unexpected failure while answering an API call", cause);
        return Reply.json(json, 500, Map.of("detail", "internal error in the emulator"));
    }

    /** Writes a reply now, or dribbles it out over {@code slowBody}. */
    void write(Context ctx, Reply reply, Duration slowBody) {
        ctx.status(reply.status());
        reply.headers().forEach(ctx::header);
        ctx.contentType(reply.contentType());
        if (slowBody.isZero() || reply.body().length == 0) {
            ctx.result(reply.body());
            return;
        }
        ctx.res().setContentLength(reply.body().length);
        long pauseNanos = slowBody.toNanos() / SLOW_BODY_CHUNKS;
        byte[] body = reply.body();
        int chunk = Math.max(1, (body.length + SLOW_BODY_CHUNKS - 1) / SLOW_BODY_CHUNKS);
        try {
            OutputStream out = ctx.res().getOutputStream();
            for (int offset = 0; offset < body.length; offset += chunk) {
                // Pausing is the point of this fault; it runs on the slow-body pool, never a server thread.
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
                out.write(body, offset, Math.min(chunk, body.length - offset));
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("client went away during a slow body", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
