package io.runflowkafka.processor.orders;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.runflowkafka.common.trace.TraceFields;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.internal.OrderState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How an order's job is traced. A job gathers several photos, each with its own trace; a span has one parent. The
 * job's span is therefore a child of the order's <b>first</b> collected photo (the one the order began with, whose
 * trace the job, the callback, the completion and the archive then continue) and carries a span <b>link</b> to each
 * other photo's context, so that every photo's trace leads to the job and back.
 */
final class JobTrace {

    static final String SPAN = "headshots-job";

    /** What the job span is made from: its parent (invalid: none) and the contexts it links to. */
    record Plan(SpanContext parent, List<SpanContext> links) {}

    private JobTrace() {}

    /** Keeps the context of the photo just added to {@code state}'s photos, at the same index. */
    static void collect(OrderState state, SpanContext photo) {
        List<String> traces = new ArrayList<>(state.getPhotoTraceParents());
        // A state stored by a version without tracing has no entries for its earlier photos: index i is photo i.
        while (traces.size() < state.getPhotos().size() - 1) {
            traces.add("");
        }
        String traceparent = Tracing.fields(photo).traceparent();
        traces.add(traceparent == null ? "" : traceparent);
        state.setPhotoTraceParents(traces);
    }

    /**
     * The parent and links of a job made of photos with these contexts, in collection order: the first valid context
     * is the parent, every other valid one a link (a context repeated is linked once, the parent's never).
     */
    static Plan plan(List<String> photoTraceParents) {
        SpanContext parent = SpanContext.getInvalid();
        List<SpanContext> links = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String traceparent : photoTraceParents) {
            SpanContext photo = Tracing.spanContext(new TraceFields(traceparent, null));
            if (!photo.isValid() || !seen.add(photo.getTraceId() + photo.getSpanId())) {
                continue;
            }
            if (!parent.isValid()) {
                parent = photo;
            } else {
                links.add(photo);
            }
        }
        return new Plan(parent, links);
    }

    /** Records the job's span, at the moment the order is decided, and returns its context. */
    static SpanContext start(Tracing tracing, OrderState state, String jobRef, long nowMs) {
        Plan plan = plan(state.getPhotoTraceParents());
        return tracing.step(
                SPAN,
                SpanKind.INTERNAL,
                plan.parent(),
                plan.links(),
                nowMs,
                () -> Attributes.of(Tracing.ORDER_ID, state.getOrderId(), Tracing.JOB_REF, jobRef));
    }
}
