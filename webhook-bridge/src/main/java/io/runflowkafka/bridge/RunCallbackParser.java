package io.runflowkafka.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runflowkafka.schema.RunCompleted;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads a Model API run callback into a {@link RunCompleted} keyed by run id. Runflow does not document this
 * payload beyond the run object ({@code id}, {@code status_code}, {@code model}, {@code output}, {@code error},
 * {@code client_ref}), so the bridge reads those fields when present and always keeps the raw body.
 */
final class RunCallbackParser implements CallbackParser {

    /** Event names of run callbacks, when the payload carries an {@code event} field at all. */
    public static final String EVENT_PREFIX = "run.";

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,255}");
    private static final Pattern STATUS = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_REF_LENGTH = 255;

    private final String topic;

    /** @param topic where the events go */
    public RunCallbackParser(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public OutgoingEvent parse(VerifiedCallback callback) throws InvalidPayloadException {
        ObjectNode json = callback.json();
        String event = Fields.optionalString(json, "event", 128);
        if (event != null && !event.startsWith(EVENT_PREFIX)) {
            throw new InvalidPayloadException(
                    "event", "is not a known event type for this callback (expected " + EVENT_PREFIX + "*)");
        }
        String runIdField = json.hasNonNull("run_id") ? "run_id" : "id";
        String runId = Fields.requiredString(json, runIdField);
        if (!RUN_ID.matcher(runId).matches()) {
            throw new InvalidPayloadException(runIdField, "must be 1 to 255 of A-Z a-z 0-9 . _ : -");
        }
        String status = Fields.requiredString(json, "status_code");
        if (!STATUS.matcher(status).matches()) {
            throw new InvalidPayloadException("status_code", "must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        RunCompleted value = RunCompleted.newBuilder()
                .setRunId(runId)
                .setJobRef(callback.jobRef())
                .setStatusCode(status)
                .setModel(Fields.optionalString(json, "model", MAX_REF_LENGTH))
                .setClientRef(Fields.optionalString(json, "client_ref", MAX_REF_LENGTH))
                .setOutputJson(jsonText(json.get("output")))
                .setError(errorText(json.get("error")))
                .setRawPayload(callback.body())
                .setDeliveryId(callback.deliveryId())
                .setReceivedAt(callback.receivedAt())
                .setAttributes(Map.of())
                .build();
        return new OutgoingEvent(topic, runId, value, callback.deliveryId());
    }

    private static String errorText(JsonNode error) throws InvalidPayloadException {
        if (error != null && error.isTextual()) {
            return error.textValue();
        }
        return jsonText(error);
    }

    private static String jsonText(JsonNode node) throws InvalidPayloadException {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return JsonBodies.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("body", "could not be re-encoded as JSON");
        }
    }
}
