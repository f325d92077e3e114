package io.runflowkafka.client;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/** Maps what a Runflow call ended with (a status, a Jetty failure) to the client's exception types. */
final class Failures {

    private final RunflowClientConfig config;
    private final ResponseParser parser;

    Failures(RunflowClientConfig config, ResponseParser parser) {
        this.config = config;
        this.parser = parser;
    }

    /** The exception for a non-2xx answer. */
    RunflowException status(String operation, Response response, byte[] body) {
        int status = response.getStatus();
        String serverMessage = parser.serverMessage(body);
        String message = operation + ": " + status + (serverMessage.isEmpty() ? "" : " " + serverMessage);
        if (status == 401) {
            return new UnauthorizedException(message);
        }
        if (status == 403) {
            return new ForbiddenException(message);
        }
        if (status == 408) {
            return new RunflowTimeoutException(message, RunflowTimeoutException.Kind.SERVER, null);
        }
        if (status == 429) {
            Duration retryAfter = retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER));
            return new RateLimitedException(
                    message + (retryAfter == null ? "" : " (retry after " + retryAfter + ")"), retryAfter);
        }
        if (status >= 500 && status < 600) {
            return new ServerErrorException(
                    message, status, retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER)));
        }
        if (status >= 400 && status < 500) {
            return new InvalidRequestException(message, status, serverMessage);
        }
        return new UnexpectedResponseException(message, status, null);
    }

    /** The exception for a request that got no complete answer (time-outs, refusals, connection failures). */
    RunflowException transport(String operation, Result result) {
        Throwable cause = result.getFailure();
        if (cause instanceof SocketTimeoutException) {
            return new RunflowTimeoutException(
                    operation + ": connect time-out after " + config.connectTimeout(),
                    RunflowTimeoutException.Kind.CONNECT,
                    cause);
        }
        if (cause instanceof TimeoutException) {
            String text = String.valueOf(cause.getMessage());
            if (text.startsWith("Total timeout")) {
                return new RunflowTimeoutException(
                        operation + ": no answer within the total time-out of " + config.totalTimeout(),
                        RunflowTimeoutException.Kind.TOTAL,
                        cause);
            }
            return new RunflowTimeoutException(
                    operation + ": connection idle longer than the request time-out of " + config.requestTimeout(),
                    RunflowTimeoutException.Kind.IDLE,
                    cause);
        }
        if (cause instanceof RejectedExecutionException) {
            return new ConnectionFailedException(
                    operation + ": request refused locally (client closed or more than "
                            + config.maxRequestsQueuedPerDestination() + " calls queued)",
                    cause);
        }
        Response response = result.getResponse();
        if (cause instanceof IllegalArgumentException && response != null && response.getStatus() > 0) {
            return new UnexpectedResponseException(
                    operation + ": response body larger than " + config.maxResponseBytes() + " bytes",
                    response.getStatus(),
                    cause);
        }
        return new ConnectionFailedException(operation + ": " + cause, cause);
    }

    /** Reads {@code Retry-After} as delta-seconds or an HTTP-date; {@code null} when absent or malformed. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            return Duration.ofSeconds(Math.max(0L, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(
                        java.time.Instant.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
