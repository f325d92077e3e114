package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the generated headshots like Runflow's CDN: {@code GET /cdn/headshots/{id}/{NNN}.jpg},
 * 200 with the JPEG, 404 when unknown, 410 once the URL has expired. No key needed; faults do not apply, but an
 * image latency (a distant CDN) may be added before each answer, holding no server thread.
 */
final class HeadshotImages {

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern FILE = Pattern.compile("(\\d{3})\\.jpg");

    private final HeadshotJobs jobs;
    private final EmulatorCounters counters;
    private final ObjectMapper json;
    private final Responder responder;
    private final LatencySpec latency;

    HeadshotImages(
            HeadshotJobs jobs, EmulatorCounters counters, ObjectMapper json, Responder responder, LatencySpec latency) {
        this.jobs = jobs;
        this.counters = counters;
        this.json = json;
        this.responder = responder;
        this.latency = latency;
    }

    void image(Context ctx) {
        if (latency.isNone()) {
            answer(ctx);
            return;
        }
        Duration wait = latency.sample(ThreadLocalRandom.current());
        ctx.future(() -> responder.delay(wait).thenRun(() -> answer(ctx)));
    }

    private void answer(Context ctx) {
        String id = ctx.pathParam("id");
        Matcher file = FILE.matcher(ctx.pathParam("file"));
        // UUID.fromString accepts non-canonical forms, so the canonical shape is checked first.
        if (!CANONICAL_UUID.matcher(id).matches() || !file.matches()) {
            responder.write(ctx, Reply.error(json, new ApiError(404, "no such image")), Duration.ZERO);
            return;
        }
        HeadshotJobs.ImageResult result = jobs.image(UUID.fromString(id), Integer.parseInt(file.group(1)));
        switch (result.lookup()) {
            case FOUND -> {
                counters.imagesServed.increment();
                responder.write(
                        ctx,
                        new Reply(200, result.bytes(), "image/jpeg", Map.of("Cache-Control", "private, max-age=3600")),
                        Duration.ZERO);
            }
            case EXPIRED -> {
                counters.imagesExpired.increment();
                responder.write(
                        ctx,
                        Reply.error(
                                json,
                                new ApiError(
                                        410,
                                        "this image URL has expired: headshot URLs are valid for a limited time after completion")),
                        Duration.ZERO);
            }
            case NOT_FOUND ->
                responder.write(ctx, Reply.error(json, new ApiError(404, "no such image")), Duration.ZERO);
        }
    }
}
