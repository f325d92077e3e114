package io.runflowkafka.emulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Handlers of the Model API: create a run, read a run, and health. */
final class ModelApi {

    static final int MAX_CLIENT_REF = 255;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Responder responder;
    private final Faults faults;
    private final ModelRuns runs;
    private final ObjectMapper json;

    ModelApi(Responder responder, Faults faults, ModelRuns runs, ObjectMapper json) {
        this.responder = responder;
        this.faults = faults;
        this.runs = runs;
        this.json = json;
    }

    /** {@code POST /v1/models/{owner}/{slug}/runs} (the slug may contain slashes). */
    void createRun(Context ctx) {
        responder.api(ctx, ApiKeys.Scheme.BEARER, true, request -> {
            String model = request.pathParam("owner") + "/" + request.pathParam("slug");
            JsonNode body;
            try {
                body = json.readTree(request.bodyAsBytes());
            } catch (IOException e) {
                throw new ApiError(400, "the body is not valid JSON");
            }
            if (body == null || !body.isObject()) {
                throw new ApiError(422, "the body must be a JSON object with an 'input' object");
            }
            JsonNode input = body.path("input");
            if (!input.isObject()) {
                throw new ApiError(422, "field 'input' (object) is required");
            }
            String callbackUrl = null;
            if (!body.path("callback_url").isMissingNode()
                    && !body.path("callback_url").isNull()) {
                callbackUrl = body.path("callback_url").asText();
                SolutionsApi.validateCallbackUrl(callbackUrl);
            }
            JsonNode metadata = body.path("metadata");
            if (!metadata.isMissingNode() && !metadata.isNull() && !metadata.isObject()) {
                throw new ApiError(422, "field 'metadata' must be an object");
            }
            String clientRef = null;
            JsonNode ref = body.path("client_ref");
            if (!ref.isMissingNode() && !ref.isNull()) {
                if (!ref.isTextual()) {
                    throw new ApiError(422, "field 'client_ref' must be a string");
                }
                clientRef = ref.asText();
                if (clientRef.length() > MAX_CLIENT_REF) {
                    throw new ApiError(422, "client_ref must be at most " + MAX_CLIENT_REF + " characters");
                }
            }
            Map<String, Object> inputMap = json.convertValue(input, MAP);
            Map<String, Object> metadataMap = metadata.isObject() ? json.convertValue(metadata, MAP) : Map.of();
            String callback = callbackUrl;
            String reference = clientRef;
            return () -> CompletableFuture.completedFuture(Reply.json(
                    json,
                    201,
                    runs.create(model, inputMap, callback, metadataMap, reference)
                            .toJson()));
        });
    }

    /** {@code GET /v1/runs/{id}}. */
    void getRun(Context ctx) {
        responder.api(ctx, ApiKeys.Scheme.BEARER, false, request -> {
            String id = request.pathParam("id");
            return () -> CompletableFuture.completedFuture(runs.get(id)
                    .map(run -> Reply.json(json, 200, run.toJson()))
                    .orElseGet(() -> Reply.error(json, new ApiError(404, "run not found"))));
        });
    }

    /** {@code GET /v1/health}: only an outage makes it fail. */
    void health(Context ctx) {
        Faults.Plan plan = faults.plan(false);
        responder.write(
                ctx, responder.outageOr(plan, Reply.json(json, 200, Map.of("status", "ok"))), java.time.Duration.ZERO);
    }
}
