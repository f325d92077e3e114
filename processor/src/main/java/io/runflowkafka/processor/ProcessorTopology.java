package io.runflowkafka.processor;

import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.gate.GateSettings;
import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.processor.gate.QualityGateTopology;
import io.runflowkafka.processor.gate.Scorer;
import io.runflowkafka.processor.orders.HeadshotOrdersTopology;
import io.runflowkafka.processor.orders.HeadshotsSubmitter;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.InputBacklog;
import io.runflowkafka.processor.orders.OrderMetrics;
import io.runflowkafka.processor.orders.OrderSettings;
import io.runflowkafka.processor.orders.OrderTopics;
import io.runflowkafka.processor.status.JobStatusTopology;
import io.runflowkafka.processor.status.StatusTopics;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * Builds the processor's whole {@link Topology}: the quality gate, and unless orders are off, the headshot orders
 * and the job-status view. {@link ProcessorApp} runs what this returns and the tests drive the same thing; the
 * snapshot of its description ({@code ProcessorTopologySnapshotTest}) shows every change to it in review.
 *
 * <pre>
 * photos.uploaded ──► quality gate ──► photos.accepted | photos.retake | photos.uploaded.dlq
 * photos.accepted ──► headshot orders ──► headshots.jobs | headshots.jobs.dlq
 * headshots.jobs, .jobs.dlq, .completed, .archived, .completed.dlq ──► job-status view (two queryable stores)
 * </pre>
 *
 * <p>Store, changelog and repartition topic names are fixed by the parts ({@link QualityGateTopology},
 * {@link HeadshotOrdersTopology}, {@link JobStatusTopology}): renaming one breaks running applications.
 */
public final class ProcessorTopology {

    /**
     * What the quality gate is built from.
     *
     * @param limiter the instance's cap on Runflow calls, rate limit and halt switch, shared by every part
     * @param uploadSerde the registry-aware serde of {@code UploadEvent} values
     * @param scoredSerde the registry-aware serde of {@code ScoredUpload} values
     */
    public record Gate(
            GateTopics topics,
            GateSettings settings,
            Scorer scorer,
            CallLimiter limiter,
            GateMetrics metrics,
            Serde<UploadEvent> uploadSerde,
            Serde<ScoredUpload> scoredSerde) {}

    /**
     * What the headshot orders and the job-status view are built from. They share the gate's limiter and its
     * {@code ScoredUpload} serde, and dead-letter an undecodable accepted photo to the gate's dead-letter topic.
     *
     * @param submitter sends Generate Headshots requests
     * @param tokens signs callback URLs (the secret shared with the webhook bridge)
     * @param inFlight the instance's sent-but-unanswered submissions, drained on shutdown
     * @param backlog tells the collector when an idle order's input is all in
     */
    public record Orders(
            OrderTopics topics,
            OrderSettings settings,
            StatusTopics statusTopics,
            HeadshotsSubmitter submitter,
            CallbackTokens tokens,
            OrderMetrics metrics,
            InFlightSubmissions inFlight,
            InputBacklog backlog,
            Serde<HeadshotJob> jobSerde,
            Serde<HeadshotsCompleted> completedSerde,
            Serde<HeadshotsArchived> archivedSerde) {}

    private ProcessorTopology() {}

    /** The quality gate alone ({@code processor.orders.enabled=false}), traced by {@code tracing}. */
    public static Topology build(Gate gate, Tracing tracing) {
        return addGate(new StreamsBuilder(), gate, tracing).build();
    }

    /** The quality gate, the headshot orders and the job-status view, traced by {@code tracing}. */
    public static Topology build(Gate gate, Orders orders, Tracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();
        HeadshotOrdersTopology.addTo(
                builder,
                orders.topics(),
                orders.settings(),
                orders.submitter(),
                orders.tokens(),
                gate.limiter(),
                orders.metrics(),
                orders.inFlight(),
                gate.scoredSerde(),
                orders.jobSerde(),
                orders.backlog(),
                gate.topics().deadLetter(),
                tracing);
        JobStatusTopology.addTo(
                builder, orders.statusTopics(), orders.jobSerde(), orders.completedSerde(), orders.archivedSerde());
        return addGate(builder, gate, tracing).build();
    }

    private static StreamsBuilder addGate(StreamsBuilder builder, Gate gate, Tracing tracing) {
        return QualityGateTopology.addTo(
                builder,
                gate.topics(),
                gate.settings(),
                gate.scorer(),
                gate.limiter(),
                gate.metrics(),
                gate.uploadSerde(),
                gate.scoredSerde(),
                tracing);
    }
}
