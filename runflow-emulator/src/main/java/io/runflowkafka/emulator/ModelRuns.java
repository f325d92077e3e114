package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model API runs: created {@code queued}, {@code running} after a short wait, then {@code succeeded}
 * (or {@code failed} when the input asks for it with {@code "emulate_failure": "reason"}); a
 * {@code run.completed} callback follows when a {@code callback_url} was given. No model runs: the
 * output only echoes which input keys were received.
 */
final class ModelRuns {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRuns.class);

    /** Field of {@code input} that makes a run fail, for tests of the failure path. */
    static final String FAILURE_FIELD = "emulate_failure";

    /** A run as stored. */
    record Run(
            String id,
            String model,
            String status,
            Map<String, Object> input,
            Map<String, Object> output,
            String error,
            Map<String, Object> metadata,
            String clientRef,
            String callbackUrl,
            Instant createdAt,
            Instant completedAt) {

        Run advance(String newStatus, Map<String, Object> newOutput, String newError, Instant at) {
            boolean terminal = !newStatus.equals("running");
            return new Run(
                    id,
                    model,
                    newStatus,
                    input,
                    newOutput,
                    newError,
                    metadata,
                    clientRef,
                    callbackUrl,
                    createdAt,
                    terminal ? at : null);
        }

        /** The wire form, shared by the API answers and the callback (which adds {@code event}). */
        Map<String, Object> toJson() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("model", model);
            body.put("status_code", status);
            body.put("input", input);
            body.put("output", output);
            body.put("error", error);
            body.put("metadata", metadata);
            body.put("client_ref", clientRef);
            body.put("created_at", createdAt.toString());
            body.put("completed_at", completedAt == null ? null : completedAt.toString());
            return body;
        }
    }

    private final Cache<String, Run> runs = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(1))
            .build();
    private final ScheduledExecutorService scheduler;
    private final WebhookSender webhooks;
    private final EmulatorCounters counters;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration queuedFor;
    private final Duration runningFor;

    ModelRuns(
            ScheduledExecutorService scheduler,
            WebhookSender webhooks,
            EmulatorCounters counters,
            ObjectMapper json,
            Clock clock,
            Duration queuedFor,
            Duration runningFor) {
        this.scheduler = scheduler;
        this.webhooks = webhooks;
        this.counters = counters;
        this.json = json;
        this.clock = clock;
        this.queuedFor = queuedFor;
        this.runningFor = runningFor;
    }

    Run create(
            String model,
            Map<String, Object> input,
            String callbackUrl,
            Map<String, Object> metadata,
            String clientRef) {
        Run run = new Run(
                UUID.randomUUID().toString(),
                model,
                "queued",
                input,
                Map.of(),
                null,
                metadata,
                clientRef,
                callbackUrl,
                clock.instant(),
                null);
        runs.put(run.id(), run);
        counters.runsCreated.increment();
        scheduler.schedule(() -> start(run.id()), queuedFor.toMillis(), TimeUnit.MILLISECONDS);
        return run;
    }

    Optional<Run> get(String id) {
        return Optional.ofNullable(runs.getIfPresent(id));
    }

    private void start(String id) {
        Run run = runs.asMap().computeIfPresent(id, (k, r) -> r.advance("running", Map.of(), null, clock.instant()));
        if (run != null) {
            scheduler.schedule(() -> finish(id), runningFor.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void finish(String id) {
        Run run = runs.asMap().computeIfPresent(id, (k, r) -> {
            Object failure = r.input().get(FAILURE_FIELD);
            if (failure != null) {
                return r.advance("failed", Map.of(), String.valueOf(failure), clock.instant());
            }
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("emulated", true);
            output.put("input_keys", new ArrayList<>(r.input().keySet()));
            return r.advance("succeeded", output, null, clock.instant());
        });
        if (run == null) {
            return;
        }
        LOG.info("Run {} of {} {}", id, run.model(), run.status());
        if (run.callbackUrl() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("event", "run.completed");
            body.putAll(run.toJson());
            try {
                webhooks.deliver("run.completed", id, run.callbackUrl(), json.writeValueAsBytes(body));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                LOG.error("Run {} callback could not be written", id, e);
            }
        }
    }
}
