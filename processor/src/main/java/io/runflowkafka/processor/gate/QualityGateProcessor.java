package io.runflowkafka.processor.gate;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.common.trace.TraceFields;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.processor.async.AsyncCallEngine;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.async.OutputEncoder;
import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each upload with Runflow, many at once, and forwards exactly one {@link GateOutcome} per upload:
 * accepted, retake or dead letter, which the topology's branches send to their topics. The concurrency and
 * exactly-once mechanism is {@link AsyncCallEngine}'s; this class says what a call is and what its answer means.
 *
 * <p>It decodes the input itself: an undecodable upload is dead-lettered while its own record is processed, so
 * its dead letter and its input offset commit in one transaction. Kafka Streams' deserialization handler sends
 * a dead letter before the record is processed, and a commit in between (a loop's commit, a revocation's)
 * stores the offset of the undecodable record itself: a crash there dead-lettered it twice
 * ({@code UndecodableInputTransactionIT}).
 *
 * <p>Tracing: the upload's trace context (its {@code traceparent} header, or a trace started here when it has none)
 * is kept with the pending call, so that a restart keeps the trace; every outcome is written under a span
 * {@code score} that is its child, from the call's acceptance to its answer. The engine forwards answers later,
 * from a punctuation, where the input record's headers are gone: the outcome's headers are made here, not inherited.
 */
final class QualityGateProcessor
        implements Processor<String, byte[], String, GateOutcome>, AsyncCallEngine.Handler<UploadEvent, ScoreResult> {

    private static final Logger LOG = LoggerFactory.getLogger(QualityGateProcessor.class);

    private final Scorer scorer;
    private final CallLimiter limiter;
    private final GateSettings settings;
    private final GateMetrics metrics;
    private final Deserializer<Upload> decoder;
    private final OutputEncoder<ScoredUpload> acceptedEncoder;
    private final OutputEncoder<ScoredUpload> retakeEncoder;
    private final String storeName;
    private final Tracing tracing;

    private ProcessorContext<String, GateOutcome> context;
    private AsyncCallEngine<UploadEvent, ScoreResult> engine;

    QualityGateProcessor(
            Scorer scorer,
            CallLimiter limiter,
            GateSettings settings,
            GateMetrics metrics,
            Deserializer<Upload> decoder,
            OutputEncoder<ScoredUpload> acceptedEncoder,
            OutputEncoder<ScoredUpload> retakeEncoder,
            String storeName,
            Tracing tracing) {
        this.scorer = scorer;
        this.limiter = limiter;
        this.settings = settings;
        this.metrics = metrics;
        this.decoder = decoder;
        this.acceptedEncoder = acceptedEncoder;
        this.retakeEncoder = retakeEncoder;
        this.storeName = storeName;
        this.tracing = tracing;
    }

    @Override
    public void init(ProcessorContext<String, GateOutcome> context) {
        this.context = context;
        KeyValueStore<String, PendingCall> store = context.getStateStore(storeName);
        engine = AsyncCallEngine.open(
                context, store, limiter, settings.calls(), settings.ordered(), this, metrics, false);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        SpanContext trace = Tracing.spanContext(record.headers());
        Upload upload;
        try {
            upload = decoder.deserialize(source.topic(), record.headers(), record.value());
        } catch (SerializationException e) {
            // Bad bytes only: a registry that is down or refuses us is not a SerializationException, and fails
            // the stream thread (Kafka Streams retries it), so an outage never empties the topic into the DLQ.
            LOG.warn(
                    "{}-{}@{} is not an upload ({}): dead-lettered",
                    source.topic(),
                    source.partition(),
                    source.offset(),
                    e.getMessage());
            context.forward(new Record<>(
                    record.key(),
                    new GateOutcome.DeadLetter(record.value()),
                    record.timestamp(),
                    traced(
                            DeadLetters.headers(
                                    e, "deserialize", 0, source.topic(), source.partition(), source.offset()),
                            tracing.step(
                                    "dead-letter",
                                    SpanKind.CONSUMER,
                                    trace,
                                    0L,
                                    () -> Attributes.of(Tracing.OUTCOME, "dead-letter")))));
            metrics.deadLettered();
            return;
        }
        TraceFields traced = Tracing.fields(tracing.orNewTrace(
                trace,
                "upload",
                () -> Attributes.of(Tracing.UPLOAD_ID, upload.event().getUploadId())));
        PendingCall call = AsyncCallEngine.newCall(source, record.timestamp(), context.currentSystemTimeMs())
                .setKey(
                        record.key() == null
                                ? null
                                : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(upload.rawValue()))
                .setTraceParent(traced.traceparent())
                .setTraceState(traced.tracestate())
                .build();
        engine.submit(AsyncCallEngine.callId(source.offset()), call, upload.event());
    }

    @Override
    public UploadEvent decode(PendingCall call) {
        return decoder.deserialize(call.getTopic(), AsyncCallEngine.bytes(call.getValue()))
                .event();
    }

    @Override
    public CompletableFuture<ScoreResult> call(UploadEvent upload) {
        return scorer.score(upload);
    }

    @Override
    public void completed(PendingCall call, UploadEvent upload, ScoreResult score, int attempts) {
        boolean accepted = score.qualityScore() >= settings.threshold();
        ScoredUpload scored = ScoredUpload.newBuilder()
                .setUploadId(upload.getUploadId())
                .setOrderId(upload.getOrderId())
                .setUserId(upload.getUserId())
                .setImageUri(upload.getImageUri())
                .setDecision(accepted ? Decision.ACCEPTED : Decision.RETAKE)
                .setQualityScore(score.qualityScore())
                .setBrightness(score.brightness())
                .setSharpness(score.sharpness())
                .setTips(score.tips())
                .setThreshold(settings.threshold())
                .setUploadedAt(upload.getUploadedAt())
                .setScoredAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .setAttempts(attempts)
                .setAttributes(upload.getAttributes())
                .build();
        // Encoded here, before anything is forwarded: a registry that fails holds this answer (see OutputEncoder).
        byte[] value = (accepted ? acceptedEncoder : retakeEncoder).encode(scored);
        GateOutcome outcome = accepted ? new GateOutcome.Accepted(value) : new GateOutcome.Retake(value);
        SpanContext span = scoreSpan(call, upload, accepted ? "accepted" : "retake", attempts);
        context.forward(new Record<>(key(call), outcome, call.getTimestamp(), traced(new RecordHeaders(), span)));
        if (accepted) {
            metrics.accepted();
        } else {
            metrics.retake();
        }
    }

    @Override
    public void failed(PendingCall call, UploadEvent upload, Throwable failure, int attempts) {
        context.forward(new Record<>(
                key(call),
                new GateOutcome.DeadLetter(AsyncCallEngine.bytes(call.getValue())),
                call.getTimestamp(),
                traced(
                        DeadLetters.headers(
                                failure, "score", attempts, call.getTopic(), call.getPartition(), call.getOffset()),
                        scoreSpan(call, upload, "dead-letter", attempts))));
        metrics.deadLettered();
    }

    /** The span of one upload's scoring, from its acceptance until now, under the trace kept with its call. */
    private SpanContext scoreSpan(PendingCall call, UploadEvent upload, String outcome, int attempts) {
        return tracing.step(
                "score",
                SpanKind.CONSUMER,
                Tracing.spanContext(new TraceFields(call.getTraceParent(), call.getTraceState())),
                call.getAcceptedAt(),
                () -> Attributes.of(
                        Tracing.UPLOAD_ID,
                        upload.getUploadId(),
                        Tracing.ORDER_ID,
                        upload.getOrderId(),
                        Tracing.OUTCOME,
                        outcome,
                        Tracing.ATTEMPTS,
                        (long) attempts));
    }

    private static Headers traced(Headers headers, SpanContext span) {
        return Tracing.inject(span, headers);
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static String key(PendingCall call) {
        return call.getKey() == null
                ? null
                : StandardCharsets.UTF_8.decode(call.getKey().duplicate()).toString();
    }
}
