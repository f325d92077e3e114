package io.runflowkafka.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.gate.GateSettings;
import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.processor.gate.QualityGateTopology;
import io.runflowkafka.processor.gate.Scorer;
import io.runflowkafka.processor.orders.HeadshotsSubmitter;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.OrderMetrics;
import io.runflowkafka.processor.orders.OrderSettings;
import io.runflowkafka.processor.orders.OrderTopics;
import io.runflowkafka.processor.orders.PipelineBacklog;
import io.runflowkafka.processor.status.StatusTopics;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.Topology;

/**
 * What {@link ProcessorApp} runs, read from the configuration before anything is created: the topics, the
 * settings of each part, and the {@link ProcessorTopology} assembled from them and the clients the app makes.
 */
final class ProcessorWiring {

    /** The headshot orders' and job-status view's settings, when orders are on. */
    private record Orders(
            OrderTopics topics, OrderSettings settings, StatusTopics statusTopics, CallbackTokens tokens) {}

    private final GateTopics gateTopics;
    private final GateSettings gateSettings;
    private final Optional<Orders> orders;
    private final Map<String, Object> registry;
    private final Map<String, Object> kafka;
    private final String applicationId;

    private ProcessorWiring(
            GateTopics gateTopics,
            GateSettings gateSettings,
            Optional<Orders> orders,
            Map<String, Object> registry,
            Map<String, Object> kafka,
            String applicationId) {
        this.gateTopics = gateTopics;
        this.gateSettings = gateSettings;
        this.orders = orders;
        this.registry = registry;
        this.kafka = kafka;
        this.applicationId = applicationId;
    }

    /**
     * Reads every setting the topology needs.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key of a setting it cannot run with
     */
    static ProcessorWiring read(ProcessorConfig config) {
        Optional<Orders> orders = config.ordersEnabled()
                ? Optional.of(new Orders(
                        config.orderTopics(), config.orderSettings(), config.statusTopics(), config.callbackTokens()))
                : Optional.empty();
        return new ProcessorWiring(
                config.gateTopics(),
                config.gateSettings(),
                orders,
                StreamsProperties.registryProperties(config),
                config.kafkaProperties(),
                config.streams().applicationId());
    }

    boolean ordersEnabled() {
        return orders.isPresent();
    }

    /** Every topic the processor reads or writes, internal ones aside: what {@code topics.create} creates. */
    List<String> topics() {
        List<String> topics = new ArrayList<>(
                List.of(gateTopics.uploaded(), gateTopics.accepted(), gateTopics.retake(), gateTopics.deadLetter()));
        orders.ifPresent(o -> topics.addAll(List.of(
                o.topics().jobs(),
                o.topics().jobsDeadLetter(),
                o.statusTopics().completed(),
                o.statusTopics().archived(),
                o.statusTopics().completedDeadLetter())));
        return topics;
    }

    /**
     * The backlog check of the headshot orders (it starts its own thread), when orders are on: it reads the
     * application's committed offsets and the gate's pending store.
     */
    Optional<PipelineBacklog> startBacklog() {
        return orders.map(o -> new PipelineBacklog(
                kafka,
                applicationId,
                gateTopics.uploaded(),
                gateTopics.accepted(),
                QualityGateTopology.STORE,
                o.settings().idleCheckInterval()));
    }

    /**
     * The whole topology: the quality gate, and with orders on the headshot orders and the job-status view.
     *
     * @param backlog from {@link #startBacklog()}; present exactly when orders are on
     */
    Topology topology(
            Scorer scorer,
            CallLimiter limiter,
            HeadshotsSubmitter submitter,
            MeterRegistry metrics,
            InFlightSubmissions inFlight,
            Optional<PipelineBacklog> backlog,
            Tracing tracing) {
        var gate = new ProcessorTopology.Gate(
                gateTopics,
                gateSettings,
                scorer,
                limiter,
                new GateMetrics(metrics, limiter),
                AvroSerdes.specific(UploadEvent.class, registry, false),
                AvroSerdes.specific(ScoredUpload.class, registry, false));
        if (orders.isEmpty()) {
            return ProcessorTopology.build(gate, tracing);
        }
        Orders o = orders.get();
        return ProcessorTopology.build(
                gate,
                new ProcessorTopology.Orders(
                        o.topics(),
                        o.settings(),
                        o.statusTopics(),
                        submitter,
                        o.tokens(),
                        new OrderMetrics(metrics, inFlight),
                        inFlight,
                        backlog.orElseThrow(),
                        AvroSerdes.specific(HeadshotJob.class, registry, false),
                        AvroSerdes.specific(HeadshotsCompleted.class, registry, false),
                        AvroSerdes.specific(HeadshotsArchived.class, registry, false)),
                tracing);
    }
}
