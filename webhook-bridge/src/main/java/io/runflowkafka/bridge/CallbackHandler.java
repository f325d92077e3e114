package io.runflowkafka.bridge;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.runflowkafka.bridge.BridgeMetrics.Outcome;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.trace.Tracing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.jetty.http.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code POST /webhooks/runflow/{kind}/{job_ref}/{token}} for one kind of callback: checks the URL
 * token, content type, size and (when configured) the Standard Webhooks signature, validates the body, writes the
 * event to Kafka and answers 200 only once Kafka acknowledged it, 503 with {@code Retry-After} otherwise.
 * The event is written under the job's trace when the callback URL carries it signed ({@link CallbackTrace}).
 */
final class CallbackHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackHandler.class);
    private static final int MAX_DELIVERY_ID_LENGTH = 255;
    /** Tracing of handlers made without one (tests): spans propagate in headers and are dropped. */
    private final String kind;

    private final CallbackParser parser;
    private final CallbackTokens tokens;
    private final SignatureVerifier signatures;
    private final EventPublisher publisher;
    private final BridgeMetrics metrics;
    private final Executor responseExecutor;
    private final Clock clock;
    private final BridgeSettings.Limits limits;
    private final CallbackTrace trace;

    /**
     * @param kind the callback kind, {@code headshots} or {@code runs}: the URL segment and the metric label
     * @param parser reads this kind's body into an event
     * @param tokens checks the URL token
     * @param signatures checks Standard Webhooks signatures when enabled
     * @param publisher writes events to Kafka
     * @param metrics where request outcomes are counted
     * @param responseExecutor where answers are written once Kafka has answered, so the producer's I/O thread
     *     never writes to a socket
     * @param clock gives {@code received_at}
     * @param limits size and time bounds
     * @param tracing the bridge's tracing (a callback's span continues the job's signed trace context)
     */
    public CallbackHandler(
            String kind,
            CallbackParser parser,
            CallbackTokens tokens,
            SignatureVerifier signatures,
            EventPublisher publisher,
            BridgeMetrics metrics,
            Executor responseExecutor,
            Clock clock,
            BridgeSettings.Limits limits,
            Tracing tracing) {
        this.trace = new CallbackTrace(kind, tokens, Objects.requireNonNull(tracing, "tracing"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.responseExecutor = Objects.requireNonNull(responseExecutor, "responseExecutor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public void handle(Context ctx) {
        long started = System.nanoTime();
        Instant receivedAt = clock.instant();
        String jobRef = ctx.pathParamMap().get("job_ref");
        String token = ctx.pathParamMap().get("token");
        if (jobRef == null || token == null || !tokens.verify(jobRef, token)) {
            unauthorized(ctx, started);
            return;
        }
        if (!isJson(ctx.header("Content-Type"))) {
            answer(
                    ctx,
                    started,
                    Outcome.UNSUPPORTED_MEDIA_TYPE,
                    error("unsupported_media_type", "Content-Type must be application/json (UTF-8)"));
            return;
        }
        // Refused on the declared length before a byte is read; Javalin's own limit covers bodies without one.
        if (ctx.req().getContentLengthLong() > limits.maxBodyBytes()) {
            tooLarge(ctx, started);
            return;
        }
        byte[] bytes;
        try {
            bytes = ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            tooLarge(ctx, started);
            return;
        } catch (Exception e) {
            // An I/O failure (Javalin rethrows it unchecked): a client that hung up or sent broken chunked
            // encoding. Nothing to store, and nothing of ours failed.
            invalid(ctx, started, new InvalidPayloadException("body", "could not be read completely"));
            return;
        }
        if (bytes.length > limits.maxBodyBytes()) {
            tooLarge(ctx, started);
            return;
        }
        OutgoingEvent event;
        try {
            String body = JsonBodies.utf8(bytes);
            String deliveryId = deliveryId(ctx, jobRef, body, bytes);
            if (deliveryId == null) {
                unauthorized(ctx, started);
                return;
            }
            VerifiedCallback callback =
                    new VerifiedCallback(jobRef, body, JsonBodies.object(body), deliveryId, receivedAt);
            event = parser.parse(callback);
        } catch (InvalidPayloadException e) {
            invalid(ctx, started, e);
            return;
        }
        publish(ctx, started, event.tracedBy(trace.span(ctx, jobRef, event.key(), receivedAt)));
    }

    /** The delivery id: the signed {@code webhook-id}, or a digest of the content; null when the signature fails. */
    private String deliveryId(Context ctx, String jobRef, String body, byte[] bytes) throws InvalidPayloadException {
        if (!signatures.enabled()) {
            return derivedDeliveryId(jobRef, bytes);
        }
        Optional<String> id = signatures.verify(
                body,
                ctx.header(SignatureVerifier.ID_HEADER),
                ctx.header(SignatureVerifier.TIMESTAMP_HEADER),
                ctx.header(SignatureVerifier.SIGNATURE_HEADER));
        if (id.isEmpty()) {
            return null;
        }
        String value = id.get();
        if (value.isEmpty()
                || value.length() > MAX_DELIVERY_ID_LENGTH
                || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidPayloadException(
                    SignatureVerifier.ID_HEADER,
                    "must be 1 to " + MAX_DELIVERY_ID_LENGTH + " printable ASCII characters");
        }
        return value;
    }

    /**
     * A repeated unsigned callback gets the same id: SHA-256 over the job reference, a zero byte and the body.
     *
     * @return {@code sha256:} and 64 hexadecimal digits
     */
    static String derivedDeliveryId(String jobRef, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(jobRef.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private void publish(Context ctx, long started, OutgoingEvent event) {
        CompletableFuture<RecordMetadata> acknowledged;
        try {
            acknowledged = publisher.publish(event);
        } catch (RuntimeException e) {
            unavailable(ctx, started, event, e);
            return;
        }
        // send() may have blocked (unknown metadata, full buffer): the answer is still due kafkaTimeout after arrival.
        long remaining = limits.kafkaTimeout().toNanos() - (System.nanoTime() - started);
        CompletableFuture<RecordMetadata> bounded =
                acknowledged.orTimeout(Math.max(1, remaining), TimeUnit.NANOSECONDS);
        ctx.future(() -> bounded.handleAsync(
                (metadata, error) -> {
                    if (error == null && metadata != null) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("status", "stored");
                        body.put("delivery_id", event.deliveryId());
                        answer(ctx, started, Outcome.STORED, body);
                        LOG.debug(
                                "Stored {} callback {} as {}-{}@{} (delivery {})",
                                kind,
                                event.key(),
                                metadata.topic(),
                                metadata.partition(),
                                metadata.offset(),
                                event.deliveryId());
                    } else {
                        unavailable(ctx, started, event, error);
                    }
                    return null;
                },
                responseExecutor));
    }

    private void unavailable(Context ctx, long started, OutgoingEvent event, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = cause instanceof TimeoutException
                ? "no acknowledgement within " + limits.kafkaTimeout().toMillis() + " ms"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        LOG.warn(
                "Answering 503 to the {} callback {} (delivery {}): Kafka did not take it: {}",
                kind,
                event.key(),
                event.deliveryId(),
                reason);
        ctx.header("Retry-After", Long.toString(Math.max(1, ceilSeconds(limits.retryAfter()))));
        answer(
                ctx,
                started,
                Outcome.UNAVAILABLE,
                error("unavailable", "the event could not be stored now; retry later"));
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }

    private void unauthorized(Context ctx, long started) {
        // One answer for a wrong job reference, token or signature: no hint which part was wrong.
        answer(ctx, started, Outcome.UNAUTHORIZED, error("unauthorized", "callback not authenticated"));
    }

    private void tooLarge(Context ctx, long started) {
        answer(
                ctx,
                started,
                Outcome.TOO_LARGE,
                error("body_too_large", "the body is over " + limits.maxBodyBytes() + " bytes"));
    }

    private void invalid(Context ctx, long started, InvalidPayloadException e) {
        Map<String, Object> body = error("invalid_payload", e.getMessage());
        body.put("field", e.field());
        answer(ctx, started, Outcome.INVALID, body);
    }

    private void answer(Context ctx, long started, Outcome outcome, Map<String, Object> body) {
        ctx.status(outcome.status()).json(body);
        metrics.record(kind, outcome, started);
    }

    /** An error body in the bridge's own words; nothing from the request is echoed. */
    static Map<String, Object> error(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }

    /** True for {@code application/json} or {@code application/*+json}, with no charset or UTF-8. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = MimeTypes.getBase(contentType).strip().toLowerCase(Locale.ROOT);
        boolean json =
                media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
        if (!json) {
            return false;
        }
        String charset = MimeTypes.getCharsetFromContentType(contentType);
        return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
    }
}
