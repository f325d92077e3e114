package io.runflowkafka.emulator;

import java.util.Map;

/** A refusal the emulator answers with a status and a JSON {@code {"detail": ...}} body, FastAPI style. */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    ApiError(int status, String detail) {
        this(status, detail, Map.of());
    }

    ApiError(int status, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    String detail() {
        return getMessage();
    }

    Map<String, String> headers() {
        return headers;
    }
}
