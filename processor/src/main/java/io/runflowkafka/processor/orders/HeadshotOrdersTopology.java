package io.runflowkafka.processor.orders;

import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.DecodedSource;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.async.OutputEncoder;
import io.runflowkafka.processor.async.PendingCallSerde;
import io.runflowkafka.processor.internal.OrderState;
import io.runflowkafka.processor.internal.SubmissionRequest;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.ScoredUpload;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the headshot-orders part of the processor's topology; the application and the tests call the
 * same factory.
 *
 * <pre>
 * photos.accepted ──► headshot-orders-source ──► headshot-orders (+ stores headshot-orders, headshot-orders-deadlines)
 *   ──► [headshot-submissions repartition: a commit barrier]
 *   ──► headshot-submitter (+ store headshot-submissions-pending) ──► headshots.jobs | headshots.jobs.dlq
 * </pre>
 *
 * <p>The internal topic between the collector and the submitter is what makes one job reference per
 * order certain: the submitter reads it {@code read_committed}, so no HTTP call is ever made for a
 * decision whose transaction could still abort.
 */
public final class HeadshotOrdersTopology {

    public static final String SOURCE = "headshot-orders-source";
    public static final String COLLECTOR = "headshot-orders";
    public static final String ORDERS_STORE = "headshot-orders";
    public static final String DEADLINES_STORE = "headshot-orders-deadlines";
    public static final String SUBMISSIONS = "headshot-submissions";
    public static final String SUBMITTER = "headshot-submitter";
    public static final String PENDING_STORE = "headshot-submissions-pending";
    public static final String OUTCOMES = "headshot-submission-";
    public static final String JOBS_SINK = "headshot-jobs-sink";
    public static final String DEAD_LETTER_SINK = "headshot-jobs-dead-letter-sink";

    private HeadshotOrdersTopology() {}

    /**
     * Adds the headshot orders to {@code builder}, their spans made by {@code tracing}: an order's job is traced
     * under its first photo's trace and linked to the others' (see {@link JobTrace}).
     *
     * @param submitter sends Generate Headshots requests
     * @param tokens signs callback URLs (the secret shared with the webhook bridge)
     * @param limiter the instance's shared cap on Runflow calls, rate limit and halt switch
     * @param inFlight the instance's sent-but-unanswered submissions, drained on shutdown
     * @param scoredSerde the registry-aware serde of {@code ScoredUpload} values
     * @param jobSerde the registry-aware serde of {@code HeadshotJob} values
     * @param backlog tells the collector when an idle order's input is all in (the idle time-out's wall-clock guard)
     * @param undecodableTopic where an accepted record that does not decode is dead-lettered (the uploads' DLQ)
     */
    public static StreamsBuilder addTo(
            StreamsBuilder builder,
            OrderTopics topics,
            OrderSettings settings,
            HeadshotsSubmitter submitter,
            CallbackTokens tokens,
            CallLimiter limiter,
            OrderMetrics metrics,
            InFlightSubmissions inFlight,
            Serde<ScoredUpload> scoredSerde,
            Serde<HeadshotJob> jobSerde,
            InputBacklog backlog,
            String undecodableTopic,
            Tracing tracing) {
        Serde<SubmissionRequest> requestSerde = AvroBinarySerde.of(SubmissionRequest.class);
        DecodedSource.stream(builder, topics.accepted(), scoredSerde.deserializer(), undecodableTopic, SOURCE)
                .process(collector(settings, metrics, backlog, tracing), Named.as(COLLECTOR))
                .repartition(Repartitioned.<String, SubmissionRequest>as(SUBMISSIONS)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(requestSerde))
                .process(
                        submitter(
                                submitter,
                                tokens,
                                limiter,
                                settings,
                                metrics,
                                inFlight,
                                new OutputEncoder<>(topics.jobs(), jobSerde.serializer()),
                                tracing),
                        Named.as(SUBMITTER))
                .split(Named.as(OUTCOMES))
                .branch(
                        (orderId, outcome) -> outcome instanceof SubmissionOutcome.Accepted,
                        Branched.withConsumer(
                                accepted -> accepted.mapValues(
                                                outcome -> ((SubmissionOutcome.Accepted) outcome).job(),
                                                Named.as("headshot-submission-job"))
                                        // Encoded by the submitter, so that a registry failure holds the answer.
                                        .to(
                                                topics.jobs(),
                                                Produced.with(Serdes.String(), Serdes.ByteArray())
                                                        .withName(JOBS_SINK)),
                                "accepted"))
                .defaultBranch(Branched.withConsumer(
                        refused -> refused.mapValues(
                                        outcome -> ((SubmissionOutcome.Refused) outcome).deadLetter(),
                                        Named.as("headshot-submission-dead-letter"))
                                .to(
                                        topics.jobsDeadLetter(),
                                        Produced.with(Serdes.String(), Serdes.ByteArray())
                                                .withName(DEAD_LETTER_SINK)),
                        "refused"));
        return builder;
    }

    private static ProcessorSupplier<String, ScoredUpload, String, SubmissionRequest> collector(
            OrderSettings settings, OrderMetrics metrics, InputBacklog backlog, Tracing tracing) {
        return new ProcessorSupplier<>() {
            @Override
            public OrderCollector get() {
                return new OrderCollector(settings, metrics, backlog, tracing);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(ORDERS_STORE),
                                Serdes.String(),
                                AvroBinarySerde.of(OrderState.class)),
                        Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(DEADLINES_STORE), Serdes.String(), Serdes.String()));
            }
        };
    }

    private static ProcessorSupplier<String, SubmissionRequest, String, SubmissionOutcome> submitter(
            HeadshotsSubmitter submitter,
            CallbackTokens tokens,
            CallLimiter limiter,
            OrderSettings settings,
            OrderMetrics metrics,
            InFlightSubmissions inFlight,
            OutputEncoder<HeadshotJob> jobEncoder,
            Tracing tracing) {
        return new ProcessorSupplier<>() {
            @Override
            public SubmissionProcessor get() {
                return new SubmissionProcessor(
                        submitter, tokens, limiter, settings, metrics, inFlight, jobEncoder, tracing);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.String(), new PendingCallSerde()));
            }
        };
    }
}
