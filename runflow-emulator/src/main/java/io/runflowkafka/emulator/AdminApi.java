package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin endpoints: read and change faults at run time, read and reset counters. When an admin
 * token is configured every call needs {@code x-admin-token}.
 */
final class AdminApi {

    private final Faults faults;
    private final EmulatorCounters counters;
    private final ObjectMapper json;
    private final Responder responder;
    private final Clock clock;
    private final byte[] adminToken;

    AdminApi(
            Faults faults,
            EmulatorCounters counters,
            ObjectMapper json,
            Responder responder,
            Clock clock,
            String adminToken) {
        this.faults = faults;
        this.counters = counters;
        this.json = json;
        this.responder = responder;
        this.clock = clock;
        this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    void getFaults(Context ctx) {
        answer(ctx, () -> faultsJson(faults.current()));
    }

    /**
     * Changes only the fields present: {@code latency} (e.g. "uniform:100-300"), {@code error_rates}
     * ({"429": 0.1}), {@code retry_after_ms}, {@code outage_for_ms} (from now), {@code outage_start} /
     * {@code outage_end} (ISO-8601), {@code outage: null} (end it), {@code slow_body_ms}.
     */
    void patchFaults(Context ctx) {
        answer(ctx, () -> {
            JsonNode body = body(ctx);
            FaultSettings updated = faults.update(current -> apply(current, body));
            return faultsJson(updated);
        });
    }

    void resetFaults(Context ctx) {
        answer(ctx, () -> {
            faults.reset();
            return faultsJson(faults.current());
        });
    }

    void getCounters(Context ctx) {
        answer(ctx, () -> countersJson(counters.snapshot()));
    }

    void resetCounters(Context ctx) {
        answer(ctx, () -> {
            counters.reset();
            return countersJson(counters.snapshot());
        });
    }

    private void answer(Context ctx, java.util.function.Supplier<Object> body) {
        Reply reply;
        try {
            requireToken(ctx);
            reply = Reply.json(json, 200, body.get());
        } catch (ApiError e) {
            reply = Reply.error(json, e);
        }
        responder.write(ctx, reply, Duration.ZERO);
    }

    private void requireToken(Context ctx) {
        if (adminToken == null) {
            return;
        }
        String presented = ctx.header("x-admin-token");
        if (presented == null || !MessageDigest.isEqual(adminToken, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "admin endpoints need a valid x-admin-token header");
        }
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode body = json.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new ApiError(400, "the body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new ApiError(400, "the body is not valid JSON");
        }
    }

    private FaultSettings apply(FaultSettings current, JsonNode body) {
        FaultSettings next = current;
        try {
            if (body.has("latency")) {
                JsonNode latency = body.get("latency");
                next = next.withLatency(
                        latency.isNumber()
                                ? LatencySpec.parse(latency.asText())
                                : LatencySpec.parse(latency.asText("0")));
            }
            if (body.has("latency_ms")) {
                next = next.withLatency(LatencySpec.parse(body.get("latency_ms").asText()));
            }
            if (body.has("error_rates")) {
                Map<Integer, Double> rates = new TreeMap<>();
                for (Map.Entry<String, JsonNode> field : body.get("error_rates").properties()) {
                    rates.put(Integer.parseInt(field.getKey()), field.getValue().asDouble());
                }
                next = next.withErrorRates(rates);
            }
            if (body.has("retry_after_ms")) {
                next = next.withRetryAfter(
                        Duration.ofMillis(body.get("retry_after_ms").asLong()));
            }
            if (body.has("slow_body_ms")) {
                next = next.withSlowBody(
                        Duration.ofMillis(body.get("slow_body_ms").asLong()));
            }
            if (body.has("outage") && body.get("outage").isNull()) {
                next = next.withoutOutage();
            }
            if (body.has("outage_for_ms")) {
                Instant now = clock.instant();
                next = next.withOutage(
                        now, now.plusMillis(body.get("outage_for_ms").asLong()));
            }
            if (body.has("outage_start") || body.has("outage_end")) {
                next = next.withOutage(
                        Instant.parse(body.path("outage_start").asText()),
                        Instant.parse(body.path("outage_end").asText()));
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new ApiError(422, "invalid fault settings: " + e.getMessage());
        }
        return next;
    }

    static Map<String, Object> faultsJson(FaultSettings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latency", settings.latency().toString());
        Map<String, Object> rates = new LinkedHashMap<>();
        settings.errorRates().forEach((status, rate) -> rates.put(Integer.toString(status), rate));
        out.put("error_rates", rates);
        out.put("retry_after_ms", settings.retryAfter().toMillis());
        out.put(
                "outage_start",
                settings.outageStart() == null ? null : settings.outageStart().toString());
        out.put(
                "outage_end",
                settings.outageEnd() == null ? null : settings.outageEnd().toString());
        out.put("slow_body_ms", settings.slowBody().toMillis());
        return out;
    }

    static Map<String, Object> countersJson(CountersSnapshot s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("score_requests", s.scoreRequests());
        out.put("score_analyses", s.scoreAnalyses());
        out.put("score_cache_hits", s.scoreCacheHits());
        out.put("headshot_submissions", s.headshotSubmissions());
        out.put("headshot_jobs_completed", s.headshotJobsCompleted());
        out.put("runs_created", s.runsCreated());
        out.put("callbacks_attempted", s.callbacksAttempted());
        out.put("callbacks_delivered", s.callbacksDelivered());
        out.put("callbacks_failed_attempts", s.callbacksFailedAttempts());
        out.put("callbacks_abandoned", s.callbacksAbandoned());
        out.put("images_served", s.imagesServed());
        out.put("images_expired", s.imagesExpired());
        out.put("faults_injected", s.faultsInjected());
        Map<String, Long> statuses = new LinkedHashMap<>();
        s.responsesByStatus().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> statuses.put(Integer.toString(e.getKey()), e.getValue()));
        out.put("responses_by_status", statuses);
        out.put("responses_by_route", new TreeMap<>(s.responsesByRoute()));
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (CallbackAttempt a : s.callbackAttempts()) {
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("event", a.event());
            attempt.put("job_id", a.jobId());
            attempt.put("target", a.target());
            attempt.put("attempt", a.attempt());
            attempt.put("status", a.status());
            attempt.put("delivered", a.delivered());
            attempt.put("at", a.at().toString());
            attempts.add(attempt);
        }
        out.put("callback_attempts", attempts);
        return out;
    }
}
