package io.runflowkafka.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response of the registry API: a status and a JSON body. */
record Reply(int status, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** 200 with the value written as JSON. */
    static Reply ok(Object value) {
        try {
            return new Reply(200, JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a registry response as JSON", e);
        }
    }

    /** 200 with a body that is JSON already (a schema, which Confluent returns as is). */
    static Reply raw(String json) {
        return new Reply(200, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Confluent's error body: {@code {"error_code": ..., "message": ...}}. */
    static Reply error(int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message == null ? "" : message);
        try {
            return new Reply(status, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a registry error as JSON", e);
        }
    }
}
