package io.runflowkafka.client;

/**
 * The answer of {@code GET /v1/health}.
 *
 * @param healthy whether the API reported itself healthy
 * @param status the reported status text, e.g. {@code ok}
 */
public record HealthStatus(boolean healthy, String status) {}
