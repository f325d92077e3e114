package io.runflowkafka.processor.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.runflowkafka.common.trace.TraceFields;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.internal.OrderPhoto;
import io.runflowkafka.processor.internal.OrderState;
import io.runflowkafka.processor.internal.OrderStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTraceTest {

    private static final String A = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String B = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b8-01";
    private static final String C = "00-6bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b9-01";

    @Test
    void shouldParentOnTheFirstPhotoAndLinkEveryOtherOnce() {
        JobTrace.Plan plan = JobTrace.plan(List.of(A, B, A, C, B));

        assertThat(plan.parent().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(plan.links())
                .extracting(SpanContext::getSpanId)
                .containsExactly("00f067aa0ba902b8", "00f067aa0ba902b9");
    }

    @Test
    void shouldSkipPhotosWithoutAContextAndStartANewTraceWhenNoneHasOne() {
        JobTrace.Plan plan = JobTrace.plan(List.of("", "garbage", B, C));
        assertThat(plan.parent().getSpanId()).isEqualTo("00f067aa0ba902b8");
        assertThat(plan.links()).extracting(SpanContext::getSpanId).containsExactly("00f067aa0ba902b9");

        JobTrace.Plan none = JobTrace.plan(List.of("", ""));
        assertThat(none.parent().isValid()).isFalse();
        assertThat(none.links()).isEmpty();
    }

    @Test
    void shouldKeepPhotoIndexesAlignedWhenAStateFromBeforeTracingGetsAPhoto() {
        OrderState state = OrderState.newBuilder()
                .setOrderId("order-1")
                .setUserId("user-1")
                .setStatus(OrderStatus.COLLECTING)
                .setPhotos(new ArrayList<>(Arrays.asList(
                        new OrderPhoto("u1", "https://img/1.jpg"), new OrderPhoto("u2", "https://img/2.jpg"))))
                .setAttributes(Map.of())
                .setLastAcceptedAt(1L)
                .setLastTimestamp(1L)
                .setSourceTopic("")
                .setSourcePartition(-1)
                .setSourceOffset(-1L)
                .build();
        state.getPhotos().add(new OrderPhoto("u3", "https://img/3.jpg"));

        JobTrace.collect(state, Tracing.spanContext(new TraceFields(C, null)));
        JobTrace.collect(state, SpanContext.getInvalid());

        assertThat(state.getPhotoTraceParents()).containsExactly("", "", C, "");
    }

    @Test
    void shouldRecordTheJobSpanWithItsParentAndLinks() {
        var exporter = io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.exportingTo("test", exporter)) {
            OrderState state = OrderState.newBuilder()
                    .setOrderId("order-1")
                    .setUserId("user-1")
                    .setStatus(OrderStatus.COLLECTING)
                    .setPhotos(new ArrayList<>())
                    .setAttributes(Map.of())
                    .setLastAcceptedAt(1L)
                    .setLastTimestamp(1L)
                    .setSourceTopic("")
                    .setSourcePartition(-1)
                    .setSourceOffset(-1L)
                    .setPhotoTraceParents(List.of(A, B))
                    .build();

            SpanContext job = JobTrace.start(tracing, state, "job-1", 1_000L);

            var span = exporter.getFinishedSpanItems().get(0);
            assertThat(span.getName()).isEqualTo(JobTrace.SPAN);
            assertThat(span.getSpanId()).isEqualTo(job.getSpanId());
            assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(span.getLinks()).hasSize(1);
            assertThat(span.getLinks().get(0).getSpanContext().getSpanId()).isEqualTo("00f067aa0ba902b8");
            assertThat(span.getAttributes().asMap().values()).contains("order-1", "job-1");
        }
    }
}
