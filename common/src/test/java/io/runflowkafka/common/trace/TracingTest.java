package io.runflowkafka.common.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void shouldReadTheLastTraceparentHeaderAsUtf8() {
        Headers headers = new RecordHeaders();
        headers.add(
                "traceparent",
                "00-11111111111111111111111111111111-1111111111111111-01".getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
        headers.add("tracestate", "vendor=x".getBytes(StandardCharsets.UTF_8));

        assertThat(KafkaHeaders.GETTER.get(headers, "traceparent")).isEqualTo(PARENT);
        assertThat(KafkaHeaders.GETTER.get(headers, "missing")).isNull();
        assertThat(KafkaHeaders.GETTER.keys(headers)).containsExactly("traceparent", "traceparent", "tracestate");
        SpanContext context = Tracing.spanContext(headers);
        assertThat(context.isValid()).isTrue();
        assertThat(context.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(context.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(context.isSampled()).isTrue();
        assertThat(context.getTraceState().get("vendor")).isEqualTo("x");
    }

    @Test
    void shouldReplaceEarlierTraceHeadersOnWrite() {
        Headers headers = new RecordHeaders();
        headers.add(
                "traceparent",
                "00-11111111111111111111111111111111-1111111111111111-01".getBytes(StandardCharsets.UTF_8));
        headers.add("other", new byte[] {1});

        Tracing.inject(Tracing.spanContext(new TraceFields(PARENT, null)), headers);

        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo(PARENT);
        assertThat(headers.lastHeader("other")).isNotNull();
        assertThat(headers.lastHeader("tracestate")).isNull();
    }

    @Test
    void shouldTreatMissingOrMalformedContextAsNone() {
        Headers headers = new RecordHeaders();
        assertThat(Tracing.spanContext(headers).isValid()).isFalse();
        headers.add("traceparent", "00-not-a-trace-01".getBytes(StandardCharsets.UTF_8));
        assertThat(Tracing.spanContext(headers).isValid()).isFalse();
        headers.add("traceparent", ("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        assertThat(Tracing.spanContext(headers).isValid())
                .as("an all-zero trace id is invalid")
                .isFalse();
        assertThat(Tracing.spanContext((TraceFields) null).isValid()).isFalse();
        assertThat(Tracing.spanContext(new TraceFields(null, "a=b")).isValid()).isFalse();
        Headers untouched = Tracing.inject(SpanContext.getInvalid(), new RecordHeaders());
        assertThat(untouched.toArray()).isEmpty();
    }

    @Test
    void shouldKeepAContextAsTwoStringsAndReadItBack() {
        SpanContext context = Tracing.spanContext(new TraceFields(PARENT, "vendor=x"));

        TraceFields fields = Tracing.fields(context);

        assertThat(fields.traceparent()).isEqualTo(PARENT);
        assertThat(fields.tracestate()).isEqualTo("vendor=x");
        assertThat(Tracing.fields(SpanContext.getInvalid()).traceparent()).isNull();
        assertThat(Tracing.fields(Tracing.spanContext(new TraceFields(PARENT, null)))
                        .tracestate())
                .isNull();
    }

    @Test
    void shouldStartASampledTraceWithoutAnExporterSoThatDownstreamCanRecordIt() {
        try (Tracing tracing = Tracing.propagateOnly("test")) {
            Span span = tracing.tracer()
                    .spanBuilder("root")
                    .setParent(Tracing.parent(SpanContext.getInvalid()))
                    .startSpan();
            span.end();

            assertThat(tracing.exporting()).isFalse();
            assertThat(span.getSpanContext().isValid()).isTrue();
            assertThat(span.getSpanContext().isSampled()).isTrue();
        }
    }

    @Test
    void shouldMakeOnlyTheChildsContextWhenNothingIsExported() {
        SpanContext parent = Tracing.spanContext(new TraceFields(PARENT, "vendor=x"));
        try (Tracing tracing = Tracing.propagateOnly("test")) {
            SpanContext child = tracing.step("child", SpanKind.INTERNAL, parent, 0L, () -> {
                throw new AssertionError("attributes are not made when nothing is exported");
            });
            SpanContext root = tracing.orNewTrace(SpanContext.getInvalid(), "root", Attributes::empty);

            assertThat(child.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(child.getSpanId()).isNotEqualTo(parent.getSpanId());
            assertThat(child.isValid()).isTrue();
            assertThat(child.isSampled()).isTrue();
            assertThat(child.getTraceState().get("vendor")).isEqualTo("x");
            assertThat(root.isValid()).isTrue();
            assertThat(root.isSampled())
                    .as("a trace started here is sampled, for exporters downstream")
                    .isTrue();
            assertThat(root.getTraceId()).isNotEqualTo(TRACE_ID);
            assertThat(tracing.orNewTrace(parent, "unused", Attributes::empty)).isSameAs(parent);
        }
    }

    @Test
    void shouldExportAStepWithItsParentLinksStartAndAttributes() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SpanContext parent = Tracing.spanContext(new TraceFields(PARENT, null));
        SpanContext other =
                Tracing.spanContext(new TraceFields("00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01", null));
        try (Tracing tracing = Tracing.exportingTo("svc", exporter)) {
            SpanContext step = tracing.step(
                    "step",
                    SpanKind.CLIENT,
                    parent,
                    List.of(other, SpanContext.getInvalid()),
                    1_000L,
                    () -> Attributes.of(Tracing.ORDER_ID, "order-1"));

            SpanData data = exporter.getFinishedSpanItems().get(0);
            assertThat(data.getSpanId()).isEqualTo(step.getSpanId());
            assertThat(data.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(data.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(data.getStartEpochNanos()).isEqualTo(1_000_000_000L);
            assertThat(data.getLinks()).hasSize(1);
            assertThat(data.getLinks().get(0).getSpanContext().getTraceId()).isEqualTo("1".repeat(32));
            assertThat(data.getAttributes().get(Tracing.ORDER_ID)).isEqualTo("order-1");
        }
    }

    @Test
    void shouldExportAChildOfTheContextFromTheHeaders() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        Headers headers = new RecordHeaders();
        headers.add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
        try (Tracing tracing = Tracing.exportingTo("svc", exporter)) {
            Span child = tracing.tracer()
                    .spanBuilder("child")
                    .setParent(Tracing.parent(Tracing.spanContext(headers)))
                    .startSpan();
            child.end();
            Headers out = Tracing.inject(child.getSpanContext(), new RecordHeaders());

            SpanData data = exporter.getFinishedSpanItems().get(0);
            assertThat(data.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(data.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(data.getResource().getAttributes().asMap().toString()).contains("service.name=svc");
            assertThat(Tracing.spanContext(out).getSpanId()).isEqualTo(data.getSpanId());
        }
    }

    @Test
    void shouldAppendTheTracesPathToTheEndpointAndRefuseNonHttpOnes() {
        assertThat(Tracing.tracesUrl("http://collector:4318")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(Tracing.tracesUrl("https://collector/")).isEqualTo("https://collector/v1/traces");
        assertThat(Tracing.tracesUrl("http://c:4318/v1/traces")).isEqualTo("http://c:4318/v1/traces");
        assertThatThrownBy(() -> Tracing.tracesUrl("file:///etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tracing.tracesUrl("collector:4318")).isInstanceOf(IllegalArgumentException.class);
    }
}
