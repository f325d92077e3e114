package io.runflowkafka.common.trace;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;

/**
 * The two W3C trace-context fields as plain strings, for a context kept in a store or a record field rather than
 * in headers ({@code traceparent} null: no context). A two-field carrier rather than a map: it is made per record.
 */
public final class TraceFields {

    static final TextMapSetter<TraceFields> SETTER = (fields, key, value) -> {
        if (Tracing.TRACEPARENT.equals(key)) {
            fields.traceparent = value;
        } else if (Tracing.TRACESTATE.equals(key)) {
            fields.tracestate = value;
        }
    };

    static final TextMapGetter<TraceFields> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceFields fields) {
            return List.of(Tracing.TRACEPARENT, Tracing.TRACESTATE);
        }

        @Override
        public String get(TraceFields fields, String key) {
            if (fields == null) {
                return null;
            }
            return Tracing.TRACEPARENT.equals(key)
                    ? fields.traceparent
                    : Tracing.TRACESTATE.equals(key) ? fields.tracestate : null;
        }
    };

    private String traceparent;
    private String tracestate;

    /** Fields as read from a store or a record; either may be null. */
    public TraceFields(String traceparent, String tracestate) {
        this.traceparent = traceparent;
        this.tracestate = tracestate;
    }

    /** The {@code traceparent} value, or null. */
    public String traceparent() {
        return traceparent;
    }

    /** The {@code tracestate} value, or null (also when empty: nothing worth keeping). */
    public String tracestate() {
        return tracestate == null || tracestate.isEmpty() ? null : tracestate;
    }
}
