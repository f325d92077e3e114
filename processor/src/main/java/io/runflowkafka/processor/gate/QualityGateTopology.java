package io.runflowkafka.processor.gate;

import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.async.OutputEncoder;
import io.runflowkafka.processor.async.PendingCallSerde;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the quality-gate part of the processor's topology (called by {@code ProcessorTopology}).
 *
 * <pre>
 * photos.uploaded ──► uploads-source ──► quality-gate (+ store quality-gate-pending)
 *   ──► quality-gate-outcome-accepted ──► accepted-sink (photos.accepted)
 *     | quality-gate-outcome-retake ──► retake-sink (photos.retake)
 *     | quality-gate-outcome-dead-letter ──► dead-letter-sink (photos.uploaded.dlq)
 * </pre>
 *
 * <p>The gate forwards one {@link GateOutcome} per upload, on the stream thread (from {@code process()} or its
 * punctuator), in the transaction that deletes the upload's pending call; the branches only route it.
 */
public final class QualityGateTopology {

    public static final String SOURCE = "uploads-source";
    public static final String PROCESSOR = "quality-gate";
    public static final String STORE = "quality-gate-pending";
    public static final String OUTCOMES = "quality-gate-outcome-";
    public static final String ACCEPTED_SINK = "accepted-sink";
    public static final String RETAKE_SINK = "retake-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private QualityGateTopology() {}

    /**
     * Adds the quality gate to {@code builder}, its spans made by {@code tracing}.
     *
     * @param limiter the instance's shared cap on Runflow calls, rate limit and halt switch
     * @param uploadSerde the registry-aware serde of {@code UploadEvent} values
     * @param scoredSerde the registry-aware serde of {@code ScoredUpload} values
     * @param tracing the processor's tracing (the upload's trace context goes on to every outcome)
     */
    public static StreamsBuilder addTo(
            StreamsBuilder builder,
            GateTopics topics,
            GateSettings settings,
            Scorer scorer,
            CallLimiter limiter,
            GateMetrics metrics,
            Serde<UploadEvent> uploadSerde,
            Serde<ScoredUpload> scoredSerde,
            Tracing tracing) {
        UploadDeserializer uploads = new UploadDeserializer(uploadSerde.deserializer());
        OutputEncoder<ScoredUpload> acceptedEncoder = new OutputEncoder<>(topics.accepted(), scoredSerde.serializer());
        OutputEncoder<ScoredUpload> retakeEncoder = new OutputEncoder<>(topics.retake(), scoredSerde.serializer());
        // Bytes: the gate decodes them itself, so that an undecodable upload's dead letter commits with its offset.
        builder.stream(
                        topics.uploaded(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
                .process(
                        gate(scorer, limiter, settings, metrics, uploads, acceptedEncoder, retakeEncoder, tracing),
                        Named.as(PROCESSOR))
                .split(Named.as(OUTCOMES))
                .branch(
                        (orderId, outcome) -> outcome instanceof GateOutcome.Accepted,
                        Branched.withConsumer(
                                accepted -> accepted.mapValues(
                                                outcome -> ((GateOutcome.Accepted) outcome).scoredUpload(),
                                                Named.as("quality-gate-accepted-value"))
                                        .to(topics.accepted(), encoded(ACCEPTED_SINK)),
                                "accepted"))
                .branch(
                        (orderId, outcome) -> outcome instanceof GateOutcome.Retake,
                        Branched.withConsumer(
                                retake -> retake.mapValues(
                                                outcome -> ((GateOutcome.Retake) outcome).scoredUpload(),
                                                Named.as("quality-gate-retake-value"))
                                        .to(topics.retake(), encoded(RETAKE_SINK)),
                                "retake"))
                .defaultBranch(Branched.withConsumer(
                        deadLetter -> deadLetter
                                .mapValues(
                                        outcome -> ((GateOutcome.DeadLetter) outcome).upload(),
                                        Named.as("quality-gate-dead-letter-value"))
                                .to(topics.deadLetter(), encoded(DEAD_LETTER_SINK)),
                        "dead-letter"));
        return builder;
    }

    /** A sink of values the processor encoded (so that a registry failure holds the answer, see OutputEncoder). */
    private static Produced<String, byte[]> encoded(String sinkName) {
        return Produced.with(Serdes.String(), Serdes.ByteArray()).withName(sinkName);
    }

    private static ProcessorSupplier<String, byte[], String, GateOutcome> gate(
            Scorer scorer,
            CallLimiter limiter,
            GateSettings settings,
            GateMetrics metrics,
            UploadDeserializer uploads,
            OutputEncoder<ScoredUpload> acceptedEncoder,
            OutputEncoder<ScoredUpload> retakeEncoder,
            Tracing tracing) {
        return new ProcessorSupplier<>() {
            @Override
            public QualityGateProcessor get() {
                return new QualityGateProcessor(
                        scorer, limiter, settings, metrics, uploads, acceptedEncoder, retakeEncoder, STORE, tracing);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(STORE), Serdes.String(), new PendingCallSerde()));
            }
        };
    }
}
