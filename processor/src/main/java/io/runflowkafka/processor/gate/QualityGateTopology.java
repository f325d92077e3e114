package io.runflowkafka.processor.gate;

import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.async.OutputEncoder;
import io.runflowkafka.processor.async.PendingCallSerde;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the quality-gate part of the processor's topology; the application and the tests call the
 * same factory.
 *
 * <pre>
 * uploads-source ──► quality-gate (+ store quality-gate-pending) ──► accepted-sink | retake-sink | dead-letter-sink
 * </pre>
 */
public final class QualityGateTopology {

    public static final String SOURCE = "uploads-source";
    public static final String PROCESSOR = "quality-gate";
    public static final String STORE = "quality-gate-pending";
    public static final String ACCEPTED_SINK = "accepted-sink";
    public static final String RETAKE_SINK = "retake-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private QualityGateTopology() {}

    /**
     * Adds the quality gate to {@code topology}.
     *
     * @param uploadSerde the registry-aware serde of {@code UploadEvent} values
     * @param scoredSerde the registry-aware serde of {@code ScoredUpload} values
     */
    public static Topology addTo(
            Topology topology,
            GateTopics topics,
            GateSettings settings,
            Scorer scorer,
            CallLimiter limiter,
            GateMetrics metrics,
            Serde<UploadEvent> uploadSerde,
            Serde<ScoredUpload> scoredSerde) {
        UploadDeserializer uploads = new UploadDeserializer(uploadSerde.deserializer());
        // Bytes: the gate decodes them itself, so that an undecodable upload's dead letter commits with its offset.
        topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.uploaded());
        OutputEncoder<ScoredUpload> acceptedEncoder = new OutputEncoder<>(topics.accepted(), scoredSerde.serializer());
        OutputEncoder<ScoredUpload> retakeEncoder = new OutputEncoder<>(topics.retake(), scoredSerde.serializer());
        topology.addProcessor(
                PROCESSOR,
                () -> new QualityGateProcessor(
                        scorer, limiter, settings, metrics, uploads, acceptedEncoder, retakeEncoder, STORE),
                SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(STORE), Serdes.String(), new PendingCallSerde()),
                PROCESSOR);
        // Values arrive encoded (the processor encodes them, so that a registry failure holds the answer).
        topology.addSink(
                ACCEPTED_SINK, topics.accepted(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(RETAKE_SINK, topics.retake(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(
                DEAD_LETTER_SINK, topics.deadLetter(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
    }
}
