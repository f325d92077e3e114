package io.runflowkafka.processor;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.common.concurrent.DaemonThreads;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsRoutes;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.gate.GateMetrics;
import io.runflowkafka.processor.gate.GateTopics;
import io.runflowkafka.processor.gate.QualityGateTopology;
import io.runflowkafka.processor.gate.RunflowScorer;
import io.runflowkafka.processor.gate.Scorer;
import io.runflowkafka.processor.kafka.ProcessorClientSupplier;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.OrderMetrics;
import io.runflowkafka.processor.orders.OrderTopics;
import io.runflowkafka.processor.orders.PipelineBacklog;
import io.runflowkafka.processor.status.JobStatusRoutes;
import io.runflowkafka.processor.status.KafkaStreamsJobStatusLookup;
import io.runflowkafka.processor.status.StatusTopics;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.SchemaRegistryAuthException;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The processor as a running service: the Kafka Streams application (quality gate, headshot orders,
 * job-status view), its Runflow client, and the HTTP server with the health, metrics and job-status
 * endpoints. {@code main} only reads configuration and starts this.
 */
public final class ProcessorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(5);
    private static final int MAX_THREAD_FAILURES = 5;
    private static final Duration THREAD_FAILURE_WINDOW = Duration.ofMinutes(10);
    private final ProcessorConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Health health = new Health();
    private final RunflowClient client;
    private final CallLimiter limiter;
    private final ExecutorService fileReads =
            Executors.newFixedThreadPool(2, DaemonThreads.numbered("image-file-reader"));
    private final InFlightSubmissions submissions = new InFlightSubmissions();
    private final KafkaStreams streams;
    private final Javalin http;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.ArrayDeque<Long> threadFailures = new java.util.ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicReference<String> failureReason =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    private PipelineBacklog backlog;
    private volatile S3AsyncClient s3;

    private ProcessorApp(ProcessorConfig config, Scorer scorerOverride) {
        this.config = config;
        this.client = new RunflowClient(config.runflowClient());
        this.limiter = new CallLimiter(config.maxInFlight(), config.rateLimit(), config.giveUpAfter());
        Scorer scorer = scorerOverride != null
                ? scorerOverride
                : new RunflowScorer(client, this::s3, config.fileUrisEnabled(), fileReads);
        Map<String, Object> registryConfig = StreamsProperties.registryProperties(config);
        GateTopics topics = config.gateTopics();
        StatusTopics statusTopics = config.statusTopics();
        boolean orders = config.ordersEnabled();
        List<String> topicNames =
                new ArrayList<>(List.of(topics.uploaded(), topics.accepted(), topics.retake(), topics.deadLetter()));
        if (orders) {
            OrderTopics orderTopics = config.orderTopics();
            topicNames.addAll(List.of(
                    orderTopics.jobs(),
                    orderTopics.jobsDeadLetter(),
                    statusTopics.completed(),
                    statusTopics.archived(),
                    statusTopics.completedDeadLetter()));
        }
        config.topicCreation().ensure(config.kafkaProperties(), topicNames);
        var scoredSerde = AvroSerdes.specific(ScoredUpload.class, registryConfig, false);
        var gate = new ProcessorTopology.Gate(
                topics,
                config.gateSettings(),
                scorer,
                limiter,
                new GateMetrics(registry, limiter),
                AvroSerdes.specific(UploadEvent.class, registryConfig, false),
                scoredSerde);
        Topology topology;
        if (orders) {
            backlog = new PipelineBacklog(
                    config.kafkaProperties(),
                    config.streams().applicationId(),
                    topics.uploaded(),
                    topics.accepted(),
                    QualityGateTopology.STORE,
                    config.orderSettings().idleCheckInterval());
            topology = ProcessorTopology.build(
                    gate,
                    new ProcessorTopology.Orders(
                            config.orderTopics(),
                            config.orderSettings(),
                            statusTopics,
                            client::generateHeadshots,
                            config.callbackTokens(),
                            new OrderMetrics(registry, submissions),
                            submissions,
                            backlog,
                            AvroSerdes.specific(HeadshotJob.class, registryConfig, false),
                            AvroSerdes.specific(HeadshotsCompleted.class, registryConfig, false),
                            AvroSerdes.specific(HeadshotsArchived.class, registryConfig, false)));
        } else {
            LOG.warn(
                    "headshot orders are off ({}=false): accepted photos are not submitted and /jobs is not served",
                    ProcessorKeys.ORDERS_ENABLED);
            topology = ProcessorTopology.build(gate);
        }
        LOG.info("topology:\n{}", topology.describe());
        Properties streamsProperties = StreamsProperties.of(config);
        Optional<Duration> drainInterval = Optional.of(config.calls().drainInterval());
        this.streams = new KafkaStreams(
                topology,
                streamsProperties,
                new ProcessorClientSupplier(() -> limiter.pendingCalls() > 0 ? drainInterval : Optional.empty()));
        int perTaskBound = config.calls().maxPendingPerTask() + StreamsProperties.inputBuffer(streamsProperties);
        Gauge.builder("processor.pending.calls", limiter, CallLimiter::pendingCalls)
                .description("Runflow calls accepted by this instance and not answered yet")
                .register(registry);
        Gauge.builder("processor.pending.calls.bound", limiter, l -> (double) l.openEngines() * perTaskBound)
                .description("The most pending calls this instance can hold with its current tasks: its input "
                        + "is paused before")
                .register(registry);
        health.down("kafka-streams", "starting");
        health.up("runflow", "calls allowed");
        streams.setStateListener((now, before) -> onStateChange(now));
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        limiter.onOutputStatus(reason -> reason.ifPresentOrElse(
                why -> health.down("outputs", "answers held until their output can be written: " + why),
                () -> health.up("outputs", "written")));
        limiter.onHalt(reason -> {
            health.down("runflow", reason);
            // close() waits for the stream threads, so it must not run on one of them.
            DaemonThreads.named("processor-halt")
                    .newThread(() -> streams.close(config.shutdownTimeout()))
                    .start();
        });
        new KafkaStreamsMetrics(streams).bindTo(registry);
        if (orders && config.applicationServer().isEmpty()) {
            LOG.info(
                    "{} is not set: job-status lookups answer from this instance's state only",
                    ProcessorKeys.APPLICATION_SERVER);
        }
        JobStatusRoutes jobStatus = new JobStatusRoutes(
                new KafkaStreamsJobStatusLookup(streams, config.applicationServer()), Duration.ofSeconds(5));
        this.http = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            OpsRoutes.addTo(javalin, health, registry);
            if (orders) {
                jobStatus.addTo(javalin);
            }
        });
        http.start(config.http().host(), config.http().port());
    }

    /** Builds and starts the processor. */
    public static ProcessorApp start(ProcessorConfig config) {
        return start(config, null);
    }

    /** Builds and starts the processor with another scorer (tests, benchmarks). */
    public static ProcessorApp start(ProcessorConfig config, Scorer scorer) {
        ProcessorApp app = new ProcessorApp(config, scorer);
        app.streams.start();
        LOG.info("processor started: health, metrics and job status on port {}", app.http.port());
        return app;
    }

    /** The HTTP port of the health, metrics and job-status endpoints. */
    public int httpPort() {
        return http.port();
    }

    public Health health() {
        return health;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public CallLimiter limiter() {
        return limiter;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops taking records, commits what was accepted (pending calls stay in the store), and closes. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("processor closing (at most {})", config.shutdownTimeout());
        // Runflow has no idempotency key: let sent submissions be answered and forwarded before the tasks close,
        // or their next owner would send them again (a second job). Unsent ones wait in the store.
        long started = System.nanoTime();
        // A stopped application forwards nothing more: waiting would only delay the close.
        if (streams.state().isRunningOrRebalancing()
                && !submissions.drain(config.shutdownTimeout().dividedBy(2))) {
            LOG.warn(
                    "{} headshots submission(s) still unanswered at shutdown: they are sent again on the next start",
                    submissions.inFlight());
        }
        Duration left = config.shutdownTimeout().minusNanos(System.nanoTime() - started);
        boolean closedCleanly = streams.close(left.isNegative() ? Duration.ZERO : left);
        if (closedCleanly) {
            submissions.close();
        }
        if (backlog != null) {
            backlog.close();
        }
        limiter.close();
        client.close();
        fileReads.shutdownNow();
        if (s3 != null) {
            s3.close();
        }
        http.stop();
    }

    /**
     * Replaces a failed stream thread (its tasks are closed dirty and resumed from their changelogs by the new one)
     * unless the failure cannot be fixed that way: an Error, a deleted input topic, credentials the schema registry
     * refuses, or a fifth failure within ten minutes. Then the client stops, reaches ERROR, and {@link #failure()} says why.
     */
    private StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryUnavailableException) {
                // An outage, not bad data: back off, then let a new thread take the same records again.
                LOG.warn("schema registry unreachable ({}); retrying in {}", cause.getMessage(), REGISTRY_BACKOFF);
                health.down("schema-registry", "unreachable: " + cause.getMessage());
                sleep(REGISTRY_BACKOFF);
                health.up("schema-registry", "retrying");
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        // No new thread can fix these: a JVM error, an input topic deleted, credentials the registry refuses.
        boolean unrecoverable = failure instanceof Error
                || causedBy(failure, MissingSourceTopicException.class)
                || causedBy(failure, SchemaRegistryAuthException.class);
        long now = System.nanoTime();
        synchronized (threadFailures) {
            while (!threadFailures.isEmpty() && now - threadFailures.peekFirst() > THREAD_FAILURE_WINDOW.toNanos()) {
                threadFailures.pollFirst();
            }
            threadFailures.addLast(now);
            if (!unrecoverable && threadFailures.size() < MAX_THREAD_FAILURES) {
                LOG.warn(
                        "stream thread failed ({} of {} allowed within {}); a new thread takes its tasks over",
                        threadFailures.size(),
                        MAX_THREAD_FAILURES - 1,
                        THREAD_FAILURE_WINDOW,
                        failure);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        LOG.error(
                "stream thread failed and cannot be replaced ({}); the processor stops taking work",
                unrecoverable ? "not recoverable" : MAX_THREAD_FAILURES + " failures within " + THREAD_FAILURE_WINDOW,
                failure);
        health.fatal(
                "kafka-streams", "stream thread failed: " + failure.getClass().getSimpleName());
        failureReason.compareAndSet(null, failure.getClass().getName() + ": " + failure.getMessage());
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Completes, with the reason, when Kafka Streams has stopped for good (state ERROR): the instance does no work
     * any more and should exit, so that its supervisor starts it again.
     */
    public CompletableFuture<String> failure() {
        return failure;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onStateChange(KafkaStreams.State state) {
        switch (state) {
            case RUNNING -> health.up("kafka-streams", "running");
            case REBALANCING -> health.up("kafka-streams", "rebalancing");
            case ERROR -> {
                health.fatal("kafka-streams", "in ERROR state");
                String reason = failureReason.get();
                failure.complete(reason == null ? "Kafka Streams reached its ERROR state" : reason);
            }
            default -> health.down("kafka-streams", state.name().toLowerCase());
        }
    }

    private synchronized S3AsyncClient s3() {
        if (s3 == null) {
            s3 = config.s3().newClient();
        }
        return s3;
    }
}
