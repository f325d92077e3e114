package io.runflowkafka.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns Runflow's JSON into the client's records and its error bodies into one readable line. */
final class ResponseParser {

    private static final int MAX_SERVER_MESSAGE = 500;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    ObjectMapper mapper() {
        return mapper;
    }

    byte[] write(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    ScoreResult score(byte[] body) throws IOException {
        JsonNode root = object(body);
        List<String> tips = new ArrayList<>();
        JsonNode tipsNode = root.path("tips");
        if (tipsNode.isArray()) {
            tipsNode.forEach(tip -> tips.add(tip.asText()));
        } else if (!tipsNode.isMissingNode() && !tipsNode.isNull()) {
            throw new IOException("tips is not an array");
        }
        try {
            return new ScoreResult(
                    number(root, "quality_score"), number(root, "brightness"), number(root, "sharpness"), tips);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    HeadshotsSubmission headshots(byte[] body) throws IOException {
        JsonNode root = object(body);
        if (root.has("success") && !root.path("success").asBoolean(false)) {
            throw new IOException("success is false");
        }
        JsonNode id = root.path("data").path("headshots_id");
        if (!id.isTextual()) {
            throw new IOException("data.headshots_id is missing");
        }
        try {
            return new HeadshotsSubmission(id.asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    ModelRun run(byte[] body) throws IOException {
        JsonNode root = object(body);
        JsonNode id = root.path("id");
        if (!id.isTextual() || id.asText().isBlank()) {
            throw new IOException("id is missing");
        }
        String statusCode = text(root, "status_code");
        JsonNode error = root.path("error");
        String errorText = error.isObject()
                ? error.path("message").asText(error.toString())
                : error.isMissingNode() || error.isNull() ? null : error.asText();
        return new ModelRun(
                id.asText(),
                text(root, "model"),
                RunStatus.fromWire(statusCode),
                statusCode,
                map(root.path("output")),
                errorText,
                map(root.path("metadata")),
                text(root, "client_ref"),
                instant(root, "created_at"),
                instant(root, "completed_at"));
    }

    HealthStatus health(byte[] body) {
        try {
            JsonNode root = body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
            String status = root.path("status").asText("ok");
            return new HealthStatus(
                    status.equalsIgnoreCase("ok")
                            || status.equalsIgnoreCase("healthy")
                            || status.equalsIgnoreCase("up"),
                    status);
        } catch (IOException e) {
            // A 2xx health answer that is not JSON still means the service is up.
            return new HealthStatus(true, "ok");
        }
    }

    /**
     * Extracts the server's explanation from an error body: FastAPI's {@code detail} (string or list
     * of {@code {msg}}), or {@code message}, or {@code error}; else the text itself, shortened.
     */
    String serverMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String message;
        try {
            JsonNode root = mapper.readTree(body);
            message = firstText(root);
        } catch (IOException e) {
            message = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
        return clean(message);
    }

    private static String firstText(JsonNode root) {
        if (root == null || !root.isObject()) {
            return root == null ? "" : root.asText(root.toString());
        }
        for (String field : List.of("detail", "message", "error")) {
            JsonNode node = root.path(field);
            if (node.isTextual()) {
                return node.asText();
            }
            if (node.isArray() && !node.isEmpty()) {
                List<String> parts = new ArrayList<>();
                node.forEach(
                        item -> parts.add(item.isObject() ? item.path("msg").asText(item.toString()) : item.asText()));
                return String.join("; ", parts);
            }
            if (node.isObject()) {
                return node.path("message").asText(node.toString());
            }
        }
        return root.toString();
    }

    private static String clean(String message) {
        String oneLine = message.replaceAll("[\\p{Cntrl}]+", " ").trim();
        return oneLine.length() > MAX_SERVER_MESSAGE ? oneLine.substring(0, MAX_SERVER_MESSAGE) + "…" : oneLine;
    }

    private JsonNode object(byte[] body) throws IOException {
        JsonNode root = mapper.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("body is not a JSON object");
        }
        return root;
    }

    private static double number(JsonNode root, String field) throws IOException {
        JsonNode node = root.path(field);
        if (!node.isNumber()) {
            throw new IOException(field + " is missing or not a number");
        }
        return node.asDouble();
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.path(field);
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private Map<String, Object> map(JsonNode node) {
        return node.isObject() ? mapper.convertValue(node, MAP) : Map.of();
    }

    private static Instant instant(JsonNode root, String field) {
        String value = text(root, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // Tolerated: a timestamp in another format must not fail an otherwise good answer.
            return null;
        }
    }
}
