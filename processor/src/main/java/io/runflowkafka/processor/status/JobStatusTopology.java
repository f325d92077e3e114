package io.runflowkafka.processor.status;

import io.runflowkafka.processor.DecodedSource;
import io.runflowkafka.processor.internal.JobStatus;
import io.runflowkafka.processor.orders.AvroBinarySerde;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Builds the job-status view: two queryable tables of {@link JobStatus}, one keyed by headshots id and
 * one by order id, so that either id answers with one lookup on the instance that owns it.
 *
 * <pre>
 * headshots.jobs (order id) ──► re-key by headshots id ─┐
 * headshots.completed ──────────────────────────────────┤ merge ─► [job-status-by-headshots-id repartition]
 * headshots.archived ───────────────────────────────────┤        ─► reduce ─► store job-status-by-headshots-id
 * headshots.completed.dlq (FAILED, archive) ────────────┘
 * job-status-by-headshots-id changes ─► re-key by order id ─┐ merge ─► [job-status-by-order-id repartition]
 * headshots.jobs.dlq (FAILED, submit) ──────────────────────┘        ─► reduce ─► store job-status-by-order-id
 * </pre>
 *
 * <p>Each table's inputs go through one repartition topic, so they need not be co-partitioned.
 */
public final class JobStatusTopology {

    public static final String BY_HEADSHOTS_ID_STORE = "job-status-by-headshots-id";
    public static final String BY_ORDER_ID_STORE = "job-status-by-order-id";

    private JobStatusTopology() {}

    /** Adds the job-status view to {@code builder}; the serdes are the registry-aware ones of the public events. */
    public static StreamsBuilder addTo(
            StreamsBuilder builder,
            StatusTopics topics,
            Serde<HeadshotJob> jobSerde,
            Serde<HeadshotsCompleted> completedSerde,
            Serde<HeadshotsArchived> archivedSerde) {
        Serde<JobStatus> statusSerde = AvroBinarySerde.of(JobStatus.class);

        // A view: undecodable records are skipped and logged. The sink dead-letters an undecodable completion; the
        // jobs and archived events are the pipeline's own outputs.
        KStream<String, JobStatus> submitted = DecodedSource.streamSkippingUndecodable(
                        builder, topics.jobs(), jobSerde.deserializer(), "job-status-jobs-source")
                .filter(
                        (orderId, job) -> job != null && job.getHeadshotsId() != null,
                        Named.as("job-status-jobs-valid"))
                .map(
                        (orderId, job) -> KeyValue.pair(job.getHeadshotsId(), JobStatuses.submitted(job)),
                        Named.as("job-status-jobs-by-headshots-id"));
        KStream<String, JobStatus> completed = DecodedSource.streamSkippingUndecodable(
                        builder, topics.completed(), completedSerde.deserializer(), "job-status-completed-source")
                .filter((id, event) -> id != null && event != null, Named.as("job-status-completed-valid"))
                .mapValues(JobStatuses::completed, Named.as("job-status-completed"));
        KStream<String, JobStatus> archived = DecodedSource.streamSkippingUndecodable(
                        builder, topics.archived(), archivedSerde.deserializer(), "job-status-archived-source")
                .filter((id, event) -> id != null && event != null, Named.as("job-status-archived-valid"))
                .mapValues(JobStatuses::archived, Named.as("job-status-archived"));
        KStream<String, JobStatus> archiveFailed = builder.stream(
                        topics.completedDeadLetter(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("job-status-completed-dlq-source"))
                .processValues(() -> new DeadLetterStatus("archive"), Named.as("job-status-archive-failed"));

        KTable<String, JobStatus> byHeadshotsId = submitted
                .merge(completed, Named.as("job-status-merge-completed"))
                .merge(archived, Named.as("job-status-merge-archived"))
                .merge(archiveFailed, Named.as("job-status-merge-archive-failed"))
                .groupByKey(Grouped.with(BY_HEADSHOTS_ID_STORE, Serdes.String(), statusSerde))
                .reduce(
                        JobStatuses::merge,
                        Named.as("job-status-by-headshots-id-merge"),
                        Materialized.<String, JobStatus, KeyValueStore<Bytes, byte[]>>as(BY_HEADSHOTS_ID_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(statusSerde));

        KStream<String, JobStatus> submitFailed = builder.stream(
                        topics.jobsDeadLetter(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("job-status-jobs-dlq-source"))
                .processValues(() -> new DeadLetterStatus("submit"), Named.as("job-status-submit-failed"));
        byHeadshotsId
                .toStream(Named.as("job-status-changes"))
                // Only a job recorded in headshots.jobs names its order; a completion alone waits for it.
                .filter(
                        (headshotsId, status) -> status != null && status.getOrderId() != null,
                        Named.as("job-status-with-order"))
                .selectKey((headshotsId, status) -> status.getOrderId(), Named.as("job-status-by-order-id-key"))
                .merge(submitFailed, Named.as("job-status-merge-submit-failed"))
                .groupByKey(Grouped.with(BY_ORDER_ID_STORE, Serdes.String(), statusSerde))
                .reduce(
                        JobStatuses::merge,
                        Named.as("job-status-by-order-id-merge"),
                        Materialized.<String, JobStatus, KeyValueStore<Bytes, byte[]>>as(BY_ORDER_ID_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(statusSerde));
        return builder;
    }
}
