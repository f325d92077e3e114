package io.runflowkafka.processor;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.common.concurrent.DaemonThreads;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.service.RunningService;
import io.runflowkafka.common.service.ServiceTelemetry;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.processor.gate.LocalImages;
import io.runflowkafka.processor.gate.RunflowScorer;
import io.runflowkafka.processor.gate.Scorer;
import io.runflowkafka.processor.kafka.ProcessorClientSupplier;
import io.runflowkafka.processor.orders.InFlightSubmissions;
import io.runflowkafka.processor.orders.PipelineBacklog;
import io.runflowkafka.processor.orders.RunflowHeadshotsSubmitter;
import io.runflowkafka.processor.status.JobStatusRoutes;
import io.runflowkafka.processor.status.KafkaStreamsJobStatusLookup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor as a running service: the Kafka Streams application (quality gate, headshot orders,
 * job-status view), its Runflow client, and the HTTP server with the health, metrics and job-status
 * endpoints. {@link #start} makes and starts all of it; {@link #close()} stops it.
 */
public final class ProcessorApp implements RunningService {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);

    private final Duration shutdownTimeout;
    private final ServiceTelemetry telemetry;
    private final RunflowClient client;
    private final CallLimiter limiter;
    private final ExecutorService fileReads;
    private final LazyS3 s3;
    private final InFlightSubmissions submissions;
    private final Optional<PipelineBacklog> backlog;
    private final KafkaStreams streams;
    private final ProcessorSupervisor supervisor;
    private final Javalin http;
    private final Tracing tracing;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProcessorApp(
            Duration shutdownTimeout,
            ServiceTelemetry telemetry,
            RunflowClient client,
            CallLimiter limiter,
            ExecutorService fileReads,
            LazyS3 s3,
            InFlightSubmissions submissions,
            Optional<PipelineBacklog> backlog,
            KafkaStreams streams,
            ProcessorSupervisor supervisor,
            Javalin http,
            Tracing tracing) {
        this.tracing = tracing;
        this.shutdownTimeout = shutdownTimeout;
        this.telemetry = telemetry;
        this.client = client;
        this.limiter = limiter;
        this.fileReads = fileReads;
        this.s3 = s3;
        this.submissions = submissions;
        this.backlog = backlog;
        this.streams = streams;
        this.supervisor = supervisor;
        this.http = http;
    }

    /** Builds and starts the processor. */
    public static ProcessorApp start(ProcessorConfig config) {
        return start(config, null);
    }

    /**
     * Builds and starts the processor with another scorer (tests, benchmarks).
     *
     * @param scorer scores uploads instead of Runflow; null for Runflow
     * @throws org.apache.kafka.common.config.ConfigException naming the key of a setting it cannot run with; then
     *     nothing has been created
     */
    public static ProcessorApp start(ProcessorConfig config, Scorer scorer) {
        // Every setting that can be refused is read first: a refused one leaves nothing behind.
        ProcessorWiring wiring = ProcessorWiring.read(config);
        RunflowClientConfig clientConfig = config.runflowClient();
        Properties streamsProperties = StreamsProperties.of(config);
        Optional<HostInfo> applicationServer = config.applicationServer();
        HttpSettings httpSettings = config.http();
        Duration shutdownTimeout = config.shutdownTimeout();
        String otlpEndpoint = config.otlpEndpoint();

        config.topicCreation().ensure(config.kafkaProperties(), wiring.topics());
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Tracing tracing = opened(opened, Tracing.create(ProcessorKeys.SERVICE_NAME, otlpEndpoint));
            ServiceTelemetry telemetry = opened(opened, new ServiceTelemetry("runflow-kafka-processor"));
            RunflowClient client = opened(opened, new RunflowClient(clientConfig));
            CallLimiter limiter =
                    opened(opened, new CallLimiter(config.maxInFlight(), config.rateLimit(), config.giveUpAfter()));
            ExecutorService fileReads = Executors.newFixedThreadPool(2, DaemonThreads.numbered("image-file-reader"));
            opened.push(fileReads::shutdownNow);
            LazyS3 s3 = opened(opened, new LazyS3(config.s3()));
            // One reader, one URI policy: the gate scores and the orders submit s3:// and file:// photos with it.
            LocalImages images = new LocalImages(s3, config.fileUrisEnabled(), config.maxImageBytes(), fileReads);
            Scorer theScorer = scorer != null ? scorer : new RunflowScorer(client, images);
            InFlightSubmissions submissions = new InFlightSubmissions();
            Optional<PipelineBacklog> backlog = wiring.startBacklog();
            backlog.ifPresent(opened::push);

            Topology topology = wiring.topology(
                    theScorer,
                    limiter,
                    RunflowHeadshotsSubmitter.of(client, images),
                    telemetry.registry(),
                    submissions,
                    backlog,
                    tracing);
            LOG.info("topology:\n{}", topology.describe());
            Optional<Duration> drainInterval = Optional.of(config.calls().drainInterval());
            KafkaStreams streams = new KafkaStreams(
                    topology,
                    streamsProperties,
                    new ProcessorClientSupplier(() -> limiter.pendingCalls() > 0 ? drainInterval : Optional.empty()));
            opened.push(() -> streams.close(Duration.ZERO));
            measure(
                    telemetry.registry(),
                    limiter,
                    config.calls().maxPendingPerTask() + StreamsProperties.inputBuffer(streamsProperties));
            telemetry.bind(new KafkaStreamsMetrics(streams)); // closed with the telemetry: it schedules a thread
            ProcessorSupervisor supervisor = new ProcessorSupervisor(telemetry.health());
            supervisor.watch(streams, limiter, shutdownTimeout);

            Optional<JobStatusRoutes> jobStatus = Optional.empty();
            if (wiring.ordersEnabled()) {
                if (applicationServer.isEmpty()) {
                    LOG.info(
                            "{} is not set: job-status lookups answer from this instance's state only",
                            ProcessorKeys.APPLICATION_SERVER);
                }
                jobStatus = Optional.of(new JobStatusRoutes(
                        new KafkaStreamsJobStatusLookup(streams, applicationServer), Duration.ofSeconds(5)));
            } else {
                LOG.warn(
                        "headshot orders are off ({}=false): accepted photos are not submitted and /jobs is not served",
                        ProcessorKeys.ORDERS_ENABLED);
            }
            Javalin http = ProcessorHttp.create(telemetry.health(), telemetry.registry(), jobStatus);
            opened.push(http::stop);
            http.start(httpSettings.host(), httpSettings.port());

            ProcessorApp app = new ProcessorApp(
                    shutdownTimeout,
                    telemetry,
                    client,
                    limiter,
                    fileReads,
                    s3,
                    submissions,
                    backlog,
                    streams,
                    supervisor,
                    http,
                    tracing);
            streams.start();
            LOG.info("processor started: health, metrics and job status on port {}", http.port());
            return app;
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** The HTTP port of the health, metrics and job-status endpoints. */
    public int httpPort() {
        return http.port();
    }

    public Health health() {
        return telemetry.health();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public CallLimiter limiter() {
        return limiter;
    }

    /** The metrics served on {@code /metrics}: the processor's, Kafka Streams' and the JVM's. */
    public PrometheusMeterRegistry registry() {
        return telemetry.registry();
    }

    /**
     * Completes, with the reason, when Kafka Streams has stopped for good (state ERROR): the instance does no work
     * any more and should exit, so that its supervisor starts it again. It does not complete on {@link #close()}.
     */
    @Override
    public CompletableFuture<String> stoppedForGood() {
        return supervisor.stoppedForGood();
    }

    /** Stops taking records, commits what was accepted (pending calls stay in the store), and closes. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("processor closing (at most {})", shutdownTimeout);
        // Runflow has no idempotency key: let sent submissions be answered and forwarded before the tasks close,
        // or their next owner would send them again (a second job). Unsent ones wait in the store.
        long started = System.nanoTime();
        // A stopped application forwards nothing more: waiting would only delay the close.
        if (streams.state().isRunningOrRebalancing() && !submissions.drain(shutdownTimeout.dividedBy(2))) {
            LOG.warn(
                    "{} headshots submission(s) still unanswered at shutdown: they are sent again on the next start",
                    submissions.inFlight());
        }
        Duration left = shutdownTimeout.minusNanos(System.nanoTime() - started);
        boolean closedCleanly = streams.close(left.isNegative() ? Duration.ZERO : left);
        if (closedCleanly) {
            submissions.close();
        }
        backlog.ifPresent(PipelineBacklog::close);
        limiter.close();
        client.close();
        fileReads.shutdownNow();
        s3.close();
        http.stop();
        telemetry.close();
        tracing.close(); // last: exports the spans of the final transactions
    }

    /** The pending-call gauges: how many calls this instance holds, and the most it can hold with its tasks. */
    private static void measure(PrometheusMeterRegistry registry, CallLimiter limiter, int perTaskBound) {
        Gauge.builder("processor.pending.calls", limiter, CallLimiter::pendingCalls)
                .description("Runflow calls accepted by this instance and not answered yet")
                .register(registry);
        Gauge.builder("processor.pending.calls.bound", limiter, l -> (double) l.openEngines() * perTaskBound)
                .description("The most pending calls this instance can hold with its current tasks: its input "
                        + "is paused before")
                .register(registry);
    }

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes what a failed start had made, newest first. */
    private static void closeAll(Deque<AutoCloseable> opened, RuntimeException failure) {
        for (AutoCloseable resource : opened) {
            try {
                resource.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
