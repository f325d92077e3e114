package io.runflowkafka.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * A response the emulator will write: status, body, content type and extra headers.
 *
 * @param status HTTP status
 * @param body response body
 * @param contentType media type of the body
 * @param headers extra headers
 */
record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {

    static final String JSON = "application/json";

    static Reply json(ObjectMapper mapper, int status, Object body) {
        return json(mapper, status, body, Map.of());
    }

    static Reply json(ObjectMapper mapper, int status, Object body, Map<String, String> headers) {
        try {
            return new Reply(status, mapper.writeValueAsBytes(body), JSON, headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply cannot be written as JSON", e);
        }
    }

    static Reply error(ObjectMapper mapper, ApiError error) {
        return json(mapper, error.status(), Map.of("detail", error.detail()), error.headers());
    }
}
