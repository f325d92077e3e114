package io.runflowkafka.bridge;

import io.javalin.http.Context;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.trace.TraceFields;
import io.runflowkafka.common.trace.Tracing;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trace a callback's event is written under: a span {@code callback} whose parent is the job's trace context from
 * the callback URL's query, taken only when the processor's signature over it and the job reference verifies. A
 * {@code traceparent} HTTP header is the caller's own word, signed by no one: it becomes a span link, never the
 * parent. Without a signed context the event starts a trace of its own.
 */
final class CallbackTrace {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackTrace.class);
    private static final String TRACE_TOKEN = "trace_token";
    private static final AttributeKey<String> CALLBACK_KIND = AttributeKey.stringKey("runflow.callback.kind");
    private static final AttributeKey<String> EVENT_KEY = AttributeKey.stringKey("runflow.event.key");
    private static final AttributeKey<Boolean> TRACE_SIGNED = AttributeKey.booleanKey("runflow.trace.signed");

    private final String kind;
    private final CallbackTokens tokens;
    private final Tracing tracing;

    CallbackTrace(String kind, CallbackTokens tokens, Tracing tracing) {
        this.kind = kind;
        this.tokens = tokens;
        this.tracing = tracing;
    }

    /** Records the callback's span (from its arrival until now) and returns its context, for the event's record. */
    SpanContext span(Context ctx, String jobRef, String eventKey, Instant receivedAt) {
        SpanContext signed = signedTrace(ctx, jobRef);
        SpanContext callers =
                Tracing.spanContext(new TraceFields(ctx.header(Tracing.TRACEPARENT), ctx.header(Tracing.TRACESTATE)));
        return tracing.step(
                "callback",
                SpanKind.SERVER,
                signed,
                callers.isValid() ? List.of(callers) : List.of(),
                receivedAt.toEpochMilli(),
                () -> Attributes.of(
                        Tracing.JOB_REF,
                        jobRef,
                        CALLBACK_KIND,
                        kind,
                        EVENT_KEY,
                        eventKey,
                        TRACE_SIGNED,
                        signed.isValid()));
    }

    /**
     * The job's trace context from the callback URL's query when its token verifies for {@code jobRef}; invalid
     * otherwise (the callback is still taken: its path token authenticated it).
     */
    private SpanContext signedTrace(Context ctx, String jobRef) {
        String traceparent = ctx.queryParam(Tracing.TRACEPARENT);
        if (traceparent == null) {
            return SpanContext.getInvalid();
        }
        if (!tokens.verifyTrace(jobRef, traceparent, ctx.queryParam(TRACE_TOKEN))) {
            LOG.debug("{} callback for job_ref {}: its trace context is not signed for it, not used", kind, jobRef);
            return SpanContext.getInvalid();
        }
        return Tracing.spanContext(new TraceFields(traceparent, null));
    }
}
