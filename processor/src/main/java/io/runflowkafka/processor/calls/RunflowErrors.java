package io.runflowkafka.processor.calls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runflowkafka.client.ConnectionFailedException;
import io.runflowkafka.client.ForbiddenException;
import io.runflowkafka.client.InvalidRequestException;
import io.runflowkafka.client.RateLimitedException;
import io.runflowkafka.client.RunflowTimeoutException;
import io.runflowkafka.client.ServerErrorException;
import io.runflowkafka.client.UnauthorizedException;
import io.runflowkafka.client.UnexpectedResponseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code runflow_calls_errors_total{call, reason}}: every failed attempt of a Runflow call, retried or not, by
 * what went wrong. Each reason is registered at 0 when the meters are made, so that an alert's {@code rate()}
 * sees the first error and a dashboard lists every reason before one happens.
 */
public final class RunflowErrors {

    /** The label values of {@code reason}, in the order a reader meets them. */
    public static final List<String> REASONS = List.of(
            "rate_limited",
            "server_error",
            "timeout",
            "connection",
            "invalid_request",
            "unauthorized",
            "forbidden",
            "unexpected_response",
            "other");

    private final Map<String, Counter> counters = new LinkedHashMap<>();

    /** Registers one counter per reason for {@code call} ({@code score}, {@code generate_headshots}). */
    public RunflowErrors(MeterRegistry registry, String call) {
        for (String reason : REASONS) {
            counters.put(
                    reason,
                    Counter.builder("runflow.calls.errors")
                            .tag("call", call)
                            .tag("reason", reason)
                            .description("Failed Runflow call attempts by reason (429, 5xx, time-out, connection, "
                                    + "4xx, 401, 403, unreadable answer, other)")
                            .register(registry));
        }
    }

    /** Counts one failed attempt. */
    public void record(Throwable failure) {
        counters.get(reason(failure)).increment();
    }

    /** The {@code reason} label of a failure. */
    static String reason(Throwable failure) {
        if (failure instanceof RateLimitedException) {
            return "rate_limited";
        } else if (failure instanceof ServerErrorException) {
            return "server_error";
        } else if (failure instanceof RunflowTimeoutException) {
            return "timeout";
        } else if (failure instanceof ConnectionFailedException) {
            return "connection";
        } else if (failure instanceof InvalidRequestException) {
            return "invalid_request";
        } else if (failure instanceof UnauthorizedException) {
            return "unauthorized";
        } else if (failure instanceof ForbiddenException) {
            return "forbidden";
        } else if (failure instanceof UnexpectedResponseException) {
            return "unexpected_response";
        }
        return "other";
    }
}
