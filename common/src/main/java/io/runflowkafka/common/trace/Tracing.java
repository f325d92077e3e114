package io.runflowkafka.common.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;

/**
 * A service's tracing: an OpenTelemetry tracer and the W3C trace-context propagator over Kafka record headers.
 *
 * <p>Every record a service writes carries a {@code traceparent}, exporter or not, so that traces link up as soon
 * as any service downstream exports: contexts get real ids and a trace started here is sampled. With no OTLP endpoint
 * configured (the default) the pipeline's steps ({@link #step}) make no span at all, only the child's context, and
 * nothing is queued or sent.
 */
public final class Tracing implements AutoCloseable {

    /** W3C trace-context header names, as Kafka record headers. */
    public static final String TRACEPARENT = "traceparent";

    public static final String TRACESTATE = "tracestate";

    /** Span attributes naming the pipeline's ids, so that a trace can be found by any of them. */
    public static final AttributeKey<String> UPLOAD_ID = AttributeKey.stringKey("runflow.upload_id");

    public static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("runflow.order_id");
    public static final AttributeKey<String> JOB_REF = AttributeKey.stringKey("runflow.job_ref");
    public static final AttributeKey<String> HEADSHOTS_ID = AttributeKey.stringKey("runflow.headshots_id");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("runflow.outcome");
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("runflow.attempts");

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static final IdGenerator IDS = IdGenerator.random();

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final boolean exporting;

    private Tracing(SdkTracerProvider provider, boolean exporting) {
        this.provider = provider;
        this.tracer = provider.get("io.runflowkafka");
        this.exporting = exporting;
    }

    /**
     * The tracing of a running service.
     *
     * @param serviceName the {@code service.name} of its spans
     * @param otlpEndpoint the OTLP/HTTP base URL ({@code /v1/traces} is appended, as the OpenTelemetry specification
     *     says of {@code OTEL_EXPORTER_OTLP_ENDPOINT}); null or blank: spans are not exported
     */
    public static Tracing create(String serviceName, String otlpEndpoint) {
        if (otlpEndpoint == null || otlpEndpoint.isBlank()) {
            return new Tracing(
                    builder(serviceName)
                            .addSpanProcessor(new DroppingSpanProcessor())
                            .build(),
                    false);
        }
        SpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(tracesUrl(otlpEndpoint))
                .build();
        return new Tracing(
                builder(serviceName)
                        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                        .build(),
                true);
    }

    /** Tracing that hands every ended span to {@code exporter} at once (tests: an in-memory exporter). */
    public static Tracing exportingTo(String serviceName, SpanExporter exporter) {
        return new Tracing(
                builder(serviceName)
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build(),
                true);
    }

    /** Tracing that exports nothing but still propagates: the default, and what tests of other things use. */
    public static Tracing propagateOnly(String serviceName) {
        return create(serviceName, null);
    }

    private static SdkTracerProviderBuilder builder(String serviceName) {
        return SdkTracerProvider.builder()
                // A context that arrives keeps its sampling decision; a trace started here is sampled, so
                // that a service downstream that exports records its spans.
                .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))));
    }

    /**
     * The OTLP/HTTP traces URL for a base endpoint; refuses anything but an absolute http(s) URL.
     *
     * @throws IllegalArgumentException when {@code endpoint} is not one
     */
    public static String tracesUrl(String endpoint) {
        String trimmed = endpoint.trim();
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("the OTLP endpoint must be an http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the OTLP endpoint is not a URL", e);
        }
        if (trimmed.endsWith("/v1/traces")) {
            return trimmed;
        }
        return (trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed) + "/v1/traces";
    }

    /** Checks an OTLP endpoint setting as {@link #tracesUrl} does; empty passes (no export). */
    public static ConfigDef.Validator endpointValidator() {
        return (name, value) -> {
            if (value instanceof String endpoint && !endpoint.isBlank()) {
                try {
                    tracesUrl(endpoint);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, endpoint, e.getMessage());
                }
            }
        };
    }

    /** The tracer every span of the service is made with. */
    public Tracer tracer() {
        return tracer;
    }

    /**
     * Records one finished step: a span of {@code kind} from {@code startEpochMs} (0: now) until now, a child of
     * {@code parent} (a new trace when it is invalid), linked to {@code links}.
     *
     * <p>When nothing is exported, no span is made at all: only the child's context is, for the records written
     * under it (same trace id, a new span id, the parent's flags and state; a new trace is sampled, as the sampler
     * would have it), and {@code attributes} is never called. That keeps tracing off the hot path: the SDK's span
     * and its attributes were about three quarters of the time and 40 % of the allocation per record (see the
     * processor README).
     *
     * @return the span's context, to write into the step's output records
     */
    public SpanContext step(
            String name,
            SpanKind kind,
            SpanContext parent,
            List<SpanContext> links,
            long startEpochMs,
            Supplier<Attributes> attributes) {
        if (!exporting) {
            return parent.isValid()
                    ? SpanContext.create(
                            parent.getTraceId(), IDS.generateSpanId(), parent.getTraceFlags(), parent.getTraceState())
                    : SpanContext.create(
                            IDS.generateTraceId(),
                            IDS.generateSpanId(),
                            TraceFlags.getSampled(),
                            TraceState.getDefault());
        }
        SpanBuilder builder = tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setParent(parent(parent))
                .setAllAttributes(attributes.get());
        if (startEpochMs > 0) {
            builder.setStartTimestamp(startEpochMs, TimeUnit.MILLISECONDS);
        }
        for (SpanContext link : links) {
            if (link.isValid()) {
                builder.addLink(link);
            }
        }
        Span span = builder.startSpan();
        span.end();
        return span.getSpanContext();
    }

    /** {@link #step} without links. */
    public SpanContext step(
            String name, SpanKind kind, SpanContext parent, long startEpochMs, Supplier<Attributes> attributes) {
        return step(name, kind, parent, List.of(), startEpochMs, attributes);
    }

    /**
     * {@code context} when it is valid; otherwise the context of a new trace, started here by a span {@code name}:
     * how a record that arrives without trace context gets one.
     */
    public SpanContext orNewTrace(SpanContext context, String name, Supplier<Attributes> attributes) {
        return context.isValid() ? context : step(name, SpanKind.CONSUMER, SpanContext.getInvalid(), 0L, attributes);
    }

    /** Whether ended spans go anywhere (an OTLP endpoint or a test exporter). */
    public boolean exporting() {
        return exporting;
    }

    /** The trace context in {@code headers}; {@link Context#root()} when there is none or it is malformed. */
    public static Context extract(Headers headers) {
        return PROPAGATOR.extract(Context.root(), headers, KafkaHeaders.GETTER);
    }

    /** The span context in {@code headers}; invalid when there is none or it is malformed. */
    public static SpanContext spanContext(Headers headers) {
        return Span.fromContext(extract(headers)).getSpanContext();
    }

    /** Writes {@code span}'s context into {@code headers} as {@code traceparent} (and {@code tracestate}). */
    public static Headers inject(SpanContext span, Headers headers) {
        if (span.isValid()) {
            PROPAGATOR.inject(Context.root().with(Span.wrap(span)), headers, KafkaHeaders.SETTER);
        }
        return headers;
    }

    /** The span context kept as {@code fields}; invalid when they hold none or a malformed one. */
    public static SpanContext spanContext(TraceFields fields) {
        if (fields == null || fields.traceparent() == null) {
            return SpanContext.getInvalid();
        }
        return Span.fromContext(PROPAGATOR.extract(Context.root(), fields, TraceFields.GETTER))
                .getSpanContext();
    }

    /** {@code span}'s context as the two W3C strings, to keep in a store or a record field. */
    public static TraceFields fields(SpanContext span) {
        TraceFields fields = new TraceFields(null, null);
        if (span.isValid()) {
            PROPAGATOR.inject(Context.root().with(Span.wrap(span)), fields, TraceFields.SETTER);
        }
        return fields;
    }

    /** A context whose parent is {@code parent}, or the root context (a new trace) when it is invalid. */
    public static Context parent(SpanContext parent) {
        return parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root();
    }

    /** Exports the spans still queued (a few seconds at most) and stops. */
    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }

    /**
     * Drops every span. Registered when nothing is exported because an SDK without any span processor hands out
     * no-op spans, without ids: no trace could start here, and none would reach the services downstream.
     */
    private static final class DroppingSpanProcessor implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }
}
