package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.runflowkafka.common.trace.Tracing;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The callback joins the job's trace through the context the processor signed into its URL, and only through it: a
 * context that does not verify, or one in the caller's own HTTP headers, never becomes the parent.
 */
class CallbackTraceTest {

    private static final String HEADSHOTS_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String JOB_SPAN = "00f067aa0ba902b7";
    private static final String JOB_TRACEPARENT = "00-" + TRACE + "-" + JOB_SPAN + "-01";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.exportingTo("bridge-test", spans);
    private final BridgeHarness bridge = BridgeHarness.autoAck(tracing);

    @AfterEach
    void tearDown() {
        bridge.close();
        tracing.close();
    }

    private SpanContext stored() {
        ProducerRecord<String, byte[]> record = bridge.producer.history().get(0);
        return Tracing.spanContext(record.headers());
    }

    private SpanData callbackSpan() {
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        return spans.getFinishedSpanItems().get(0);
    }

    @Test
    void shouldWriteTheCompletionUnderTheJobsSignedTrace() throws Exception {
        String url = bridge.tokens.callbackUrl(bridge.base(), "headshots", "job-1", JOB_TRACEPARENT);

        HttpResponse<String> response = bridge.post(url, headshotsBody(HEADSHOTS_ID, 2));

        assertThat(response.statusCode()).isEqualTo(200);
        SpanData span = callbackSpan();
        assertThat(span.getName()).isEqualTo("callback");
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getParentSpanId()).isEqualTo(JOB_SPAN);
        assertThat(span.getAttributes().asMap().values()).contains("job-1", HEADSHOTS_ID, true);
        assertThat(stored().getTraceId()).isEqualTo(TRACE);
        assertThat(stored().getSpanId()).isEqualTo(span.getSpanId());
    }

    @Test
    void shouldIgnoreATraceContextSignedForAnotherJob() throws Exception {
        String forOtherJob = bridge.tokens.callbackUrl(bridge.base(), "headshots", "job-2", JOB_TRACEPARENT);
        String query = forOtherJob.substring(forOtherJob.indexOf('?'));
        String url = bridge.callbackUrl("headshots", "job-1") + query;

        HttpResponse<String> response = bridge.post(url, headshotsBody(HEADSHOTS_ID, 2));

        assertThat(response.statusCode())
                .as("the path token is good: the event is stored")
                .isEqualTo(200);
        SpanData span = callbackSpan();
        assertThat(span.getTraceId()).isNotEqualTo(TRACE);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getAttributes().asMap().values()).contains(false);
        assertThat(stored().getTraceId()).isEqualTo(span.getTraceId());
    }

    @Test
    void shouldOnlyLinkTheCallersOwnTraceparentHeader() throws Exception {
        String callers = "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01";
        String url = bridge.tokens.callbackUrl(bridge.base(), "headshots", "job-1", JOB_TRACEPARENT);

        HttpResponse<String> response = bridge.post(
                url,
                "application/json",
                headshotsBody(HEADSHOTS_ID, 2).getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", callers));

        assertThat(response.statusCode()).isEqualTo(200);
        SpanData span = callbackSpan();
        assertThat(span.getParentSpanId()).as("the signed context wins").isEqualTo(JOB_SPAN);
        assertThat(span.getLinks()).hasSize(1);
        assertThat(span.getLinks().get(0).getSpanContext().getTraceId()).isEqualTo("1".repeat(32));

        spans.reset();
        bridge.producer.clear();
        HttpResponse<String> unsigned = bridge.post(
                bridge.callbackUrl("headshots", "job-1"),
                "application/json",
                headshotsBody(HEADSHOTS_ID, 3).getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", callers));

        assertThat(unsigned.statusCode()).isEqualTo(200);
        assertThat(callbackSpan().getTraceId())
                .as("no signed context: a new trace")
                .isNotEqualTo("1".repeat(32));
        assertThat(stored().getTraceId()).isNotEqualTo("1".repeat(32));
    }
}
