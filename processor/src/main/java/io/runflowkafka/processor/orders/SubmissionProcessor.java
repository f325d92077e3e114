package io.runflowkafka.processor.orders;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.common.trace.TraceFields;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.async.AsyncCallEngine;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.async.OutputEncoder;
import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.processor.internal.SubmissionRequest;
import io.runflowkafka.schema.HeadshotJob;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each submission request to Runflow's Generate Headshots with a signed callback URL and forwards
 * the {@link HeadshotJob} (or the dead letter of a refusal). Built on {@link AsyncCallEngine}: the request
 * is stored in the transaction that commits its input and deleted in the one that forwards its answer, so
 * a restart sends it again under the same job reference, never under a new one.
 *
 * <p>The callback URL is derived from the job reference when a request is sent and is kept nowhere: its
 * token must not reach a log, a topic or a store. It carries the job's trace context, signed with the job reference
 * ({@link CallbackTokens#callbackUrl(String, String, String, String)}), which is how the callback joins the trace.
 */
final class SubmissionProcessor
        implements Processor<String, SubmissionRequest, String, SubmissionOutcome>,
                AsyncCallEngine.Handler<SubmissionRequest, HeadshotsSubmission> {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionProcessor.class);
    static final String STAGE = "submit";

    private final HeadshotsSubmitter submitter;
    private final CallbackTokens tokens;
    private final CallLimiter limiter;
    private final OrderSettings settings;
    private final OrderMetrics metrics;
    private final InFlightSubmissions inFlight;
    private final OutputEncoder<HeadshotJob> jobEncoder;
    private final Tracing tracing;
    private final AvroBinarySerde<SubmissionRequest> serde = AvroBinarySerde.of(SubmissionRequest.class);
    /** Job references this task sent and has not forwarded an answer for; written from HTTP threads too. */
    private final Set<String> sentHere = ConcurrentHashMap.newKeySet();

    private ProcessorContext<String, SubmissionOutcome> context;
    private AsyncCallEngine<SubmissionRequest, HeadshotsSubmission> engine;

    SubmissionProcessor(
            HeadshotsSubmitter submitter,
            CallbackTokens tokens,
            CallLimiter limiter,
            OrderSettings settings,
            OrderMetrics metrics,
            InFlightSubmissions inFlight,
            OutputEncoder<HeadshotJob> jobEncoder,
            Tracing tracing) {
        this.tracing = tracing;
        this.submitter = submitter;
        this.tokens = tokens;
        this.limiter = limiter;
        this.settings = settings;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.jobEncoder = jobEncoder;
    }

    @Override
    public void init(ProcessorContext<String, SubmissionOutcome> context) {
        this.context = context;
        KeyValueStore<String, PendingCall> store = context.getStateStore(HeadshotOrdersTopology.PENDING_STORE);
        engine = AsyncCallEngine.open(context, store, limiter, settings.calls(), true, this, metrics, true);
    }

    @Override
    public void process(Record<String, SubmissionRequest> record) {
        SubmissionRequest request = record.value();
        if (request == null) {
            return;
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        PendingCall call = AsyncCallEngine.newCall(source, record.timestamp(), context.currentSystemTimeMs())
                .setKey(ByteBuffer.wrap(request.getOrderId().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(serde.encode(request)))
                .build();
        engine.submit(AsyncCallEngine.callId(source.offset()), call, request);
    }

    /** Called for every submission an earlier owner of the task left unanswered: it is about to be sent again. */
    @Override
    public SubmissionRequest decode(PendingCall call) {
        SubmissionRequest request = serde.decode(AsyncCallEngine.bytes(call.getValue()));
        metrics.reissued();
        LOG.warn(
                "sending again the Generate Headshots submission of order {} (job_ref {}) left unanswered by an "
                        + "earlier owner of the task: if Runflow accepted an earlier attempt it now holds two jobs, both "
                        + "calling back with this job_ref; keep the headshots_id recorded in headshots.jobs",
                request.getOrderId(),
                request.getJobRef());
        return request;
    }

    @Override
    public CompletableFuture<HeadshotsSubmission> call(SubmissionRequest request) {
        String callbackUrl = tokens.callbackUrl(
                settings.bridgePublicUrl(),
                "headshots",
                request.getJobRef(),
                settings.traceInCallbackUrl() ? request.getTraceParent() : null);
        List<String> images = List.copyOf(request.getInputImageUrls());
        return inFlight.send(request.getJobRef(), () -> {
            sentHere.add(request.getJobRef());
            LOG.info(
                    "submitting order {} to Generate Headshots (job_ref {}, {} photos)",
                    request.getOrderId(),
                    request.getJobRef(),
                    images.size());
            return submitter.submit(callbackUrl, images);
        });
    }

    @Override
    public void completed(PendingCall call, SubmissionRequest request, HeadshotsSubmission submission, int attempts) {
        HeadshotJob job = HeadshotJob.newBuilder()
                .setOrderId(request.getOrderId())
                .setUserId(request.getUserId())
                .setJobRef(request.getJobRef())
                .setHeadshotsId(submission.headshotsId())
                .setInputImageUrls(request.getInputImageUrls())
                .setUploadIds(request.getUploadIds())
                .setSubmittedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .setAttributes(request.getAttributes())
                .build();
        // Encoded before anything is forwarded: a registry that fails holds this answer (see OutputEncoder).
        byte[] encoded = jobEncoder.encode(job);
        SpanContext span = submitSpan(call, request, submission.headshotsId(), "submitted", attempts);
        context.forward(new Record<>(
                request.getOrderId(),
                new SubmissionOutcome.Accepted(encoded),
                call.getTimestamp(),
                Tracing.inject(span, new RecordHeaders())));
        forwarded(request.getJobRef());
        metrics.accepted();
        LOG.info(
                "order {} submitted: headshots_id {} (job_ref {}, {} photos, {} attempt(s))",
                request.getOrderId(),
                submission.headshotsId(),
                request.getJobRef(),
                request.getInputImageUrls().size(),
                attempts);
    }

    @Override
    public void failed(PendingCall call, SubmissionRequest request, Throwable failure, int attempts) {
        var headers = DeadLetters.headers(
                failure,
                STAGE,
                attempts,
                request.getSourceTopic(),
                request.getSourcePartition(),
                request.getSourceOffset());
        Tracing.inject(submitSpan(call, request, "", "dead-letter", attempts), headers);
        context.forward(new Record<>(
                request.getOrderId(),
                new SubmissionOutcome.Refused(AvroBinarySerde.json(request)),
                call.getTimestamp(),
                headers));
        forwarded(request.getJobRef());
        metrics.deadLettered();
        LOG.warn(
                "Generate Headshots refused order {} (job_ref {}) after {} attempt(s): {}; dead-lettered",
                request.getOrderId(),
                request.getJobRef(),
                attempts,
                failure.getMessage());
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
        // Their answers will not be forwarded here any more: a drain must not wait for them.
        sentHere.forEach(inFlight::forwarded);
        sentHere.clear();
    }

    /** The span of the Generate Headshots call, from its acceptance until now, under the order's job span. */
    private SpanContext submitSpan(
            PendingCall call, SubmissionRequest request, String headshotsId, String outcome, int attempts) {
        return tracing.step(
                "submit-headshots",
                SpanKind.CLIENT,
                Tracing.spanContext(new TraceFields(request.getTraceParent(), request.getTraceState())),
                call.getAcceptedAt(),
                () -> Attributes.builder()
                        .put(Tracing.ORDER_ID, request.getOrderId())
                        .put(Tracing.JOB_REF, request.getJobRef())
                        .put(Tracing.HEADSHOTS_ID, headshotsId)
                        .put(Tracing.OUTCOME, outcome)
                        .put(Tracing.ATTEMPTS, (long) attempts)
                        .build());
    }

    private void forwarded(String jobRef) {
        sentHere.remove(jobRef);
        inFlight.forwarded(jobRef);
    }
}
