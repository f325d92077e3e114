package io.runflowkafka.client;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Model API run as Runflow reports it ({@code POST .../runs} and {@code GET /v1/runs/{id}}).
 *
 * @param id the run's id
 * @param model the model as {@code owner/slug}, empty when the server omits it
 * @param status the parsed {@code status_code}
 * @param statusCode the raw {@code status_code} as sent
 * @param output the model's output once succeeded, else empty
 * @param error the failure reason once failed, else {@code null}
 * @param metadata the tags sent at creation
 * @param clientRef the caller's identifier sent at creation, or {@code null}
 * @param createdAt when the run was created, or {@code null} when not reported
 * @param completedAt when the run reached a terminal status, or {@code null}
 */
public record ModelRun(
        String id,
        String model,
        RunStatus status,
        String statusCode,
        Map<String, Object> output,
        String error,
        Map<String, Object> metadata,
        String clientRef,
        Instant createdAt,
        Instant completedAt) {

    /** Requires an id and freezes the maps. */
    public ModelRun {
        Objects.requireNonNull(id, "id");
        model = model == null ? "" : model;
        Objects.requireNonNull(status, "status");
        // Copies keep insertion order and allow JSON nulls, which Map.copyOf would reject.
        output = output == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(output));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Whether the run will not change any more. */
    public boolean isTerminal() {
        return status.isTerminal();
    }
}
