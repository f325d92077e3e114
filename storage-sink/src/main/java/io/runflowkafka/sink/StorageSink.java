package io.runflowkafka.sink;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsServer;
import io.runflowkafka.common.service.RunningService;
import io.runflowkafka.common.service.ServiceTelemetry;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.fetch.ImageFetcher;
import io.runflowkafka.sink.url.UrlPolicy;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running storage sink: operations server (health, metrics), archive back end, URL policy, fetcher, archiver
 * and the consumer loop on its own thread, started together by {@link #start} and stopped by {@link #close()}.
 * {@link StorageSinkMain} runs it as a process; tests and the embedded demo start it in-process.
 */
public final class StorageSink implements RunningService {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSink.class);

    private final ServiceTelemetry telemetry;
    private final OpsServer ops;
    private final ArchiveStore store;
    private final ImageFetcher fetcher;
    private final EventArchiver archiver;
    private final ArchiveLoop loop;
    private final Thread thread;
    private final Deserializer<HeadshotsCompleted> completed;
    private final Serializer<HeadshotsArchived> archived;
    private final List<KafkaClientMetrics> clientMetrics;
    private final Tracing tracing;
    private final CompletableFuture<String> stoppedForGood = new CompletableFuture<>();
    private volatile boolean closing;

    private StorageSink(
            ServiceTelemetry telemetry,
            OpsServer ops,
            ArchiveStore store,
            ImageFetcher fetcher,
            EventArchiver archiver,
            ArchiveLoop loop,
            Deserializer<HeadshotsCompleted> completed,
            Serializer<HeadshotsArchived> archived,
            List<KafkaClientMetrics> clientMetrics,
            Tracing tracing) {
        this.tracing = tracing;
        this.telemetry = telemetry;
        this.ops = ops;
        this.store = store;
        this.fetcher = fetcher;
        this.archiver = archiver;
        this.loop = loop;
        this.completed = completed;
        this.archived = archived;
        this.clientMetrics = clientMetrics;
        this.thread = new Thread(this::consume, "sink-consumer");
    }

    /**
     * Starts the sink from its configuration.
     *
     * @throws ConfigException when a setting is missing or inconsistent, or the filesystem archive cannot be created
     */
    public static StorageSink start(SinkConfig config) {
        return start(config.checkedSettings(), config.kafkaProperties(), config.schemaRegistryProperties());
    }

    /**
     * Starts the sink: the operations server, the archive, topics (when configured to create them), the fetcher and
     * archiver, and the consumer loop.
     *
     * @param settings the sink's settings
     * @param kafka Kafka client properties ({@code bootstrap.servers}, security, client tuning)
     * @param schemas Schema Registry serde properties ({@code schema.registry.url}, ...)
     * @throws ConfigException when the filesystem archive cannot be created
     */
    public static StorageSink start(SinkSettings settings, Map<String, Object> kafka, Map<String, Object> schemas) {
        // What is started is closed again, newest first, when a later step fails.
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            ServiceTelemetry telemetry = push(started, new ServiceTelemetry("runflow-kafka-sink"));
            OpsServer ops = push(
                    started,
                    telemetry.serve(settings.ops().host(), settings.ops().port()));
            LOG.info("health and metrics on port {}", ops.port());
            StorageSink sink = assemble(settings, kafka, schemas, telemetry, ops, started);
            sink.thread.start();
            return sink;
        } catch (RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
    }

    private static StorageSink assemble(
            SinkSettings settings,
            Map<String, Object> kafka,
            Map<String, Object> schemas,
            ServiceTelemetry telemetry,
            OpsServer ops,
            Deque<AutoCloseable> started) {
        Health health = telemetry.health();
        SinkMetrics metrics = new SinkMetrics(telemetry.registry());
        ArchiveStore store;
        try {
            store = push(started, settings.archive().open());
        } catch (ArchiveException e) {
            // The directory named by the configuration cannot be made: the operator's to fix, like an invalid value.
            throw new ConfigException(
                    SinkKeys.ARCHIVE_DIR,
                    settings.archive() instanceof SinkSettings.Filesystem filesystem ? filesystem.dir() : null,
                    e.getMessage());
        }
        try {
            store.probe();
            health.up("archive", store.uri());
        } catch (ArchiveException e) {
            // Not fatal: an archive that is down at start is retried like one that goes down later.
            health.down("archive", e.getMessage());
            LOG.warn("archive not available at start: {}", e.getMessage());
        }
        UrlPolicy policy = settings.urls().policy();
        ImageFetcher fetcher = push(started, ImageFetcher.start(settings.fetch(), policy));
        EventArchiver archiver = push(
                started, new EventArchiver(settings.archiving(), policy, fetcher, store, metrics, Clock.systemUTC()));

        ArchiveLoop.Settings loopSettings = settings.loop();
        settings.topics()
                .ensure(
                        kafka,
                        List.of(loopSettings.completedTopic(), loopSettings.archivedTopic(), loopSettings.dlqTopic()));
        Deserializer<HeadshotsCompleted> completed = push(
                started,
                AvroSerdes.specific(HeadshotsCompleted.class, schemas, false).deserializer());
        Serializer<HeadshotsArchived> archived = push(
                started,
                AvroSerdes.specific(HeadshotsArchived.class, schemas, false).serializer());

        List<KafkaClientMetrics> clientMetrics = new CopyOnWriteArrayList<>();
        Map<String, Object> consumerProps = new HashMap<>(kafka);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, loopSettings.maxEventsInFlight());
        Map<String, Object> producerProps = new HashMap<>(kafka);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        Tracing tracing = push(started, Tracing.create(SinkKeys.SERVICE_NAME, settings.otlpEndpoint()));
        ArchiveLoop loop = new ArchiveLoop(
                loopSettings,
                () -> measured(
                        new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                        telemetry,
                        clientMetrics),
                () -> new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()),
                completed,
                archived,
                archiver,
                store.uri(),
                metrics,
                health,
                Clock.systemUTC(),
                TimeSource.SYSTEM,
                tracing);
        LOG.info(
                "storage sink started: archive {}, allowed hosts {}, private addresses {}, {} downloads ({} per event)",
                store.uri(),
                policy.allowedHosts(),
                settings.urls().allowPrivateAddresses() ? "ALLOWED" : "refused",
                settings.archiving().globalConcurrency(),
                settings.archiving().perEventConcurrency());
        return new StorageSink(
                telemetry, ops, store, fetcher, archiver, loop, completed, archived, clientMetrics, tracing);
    }

    /** Binds the consumer's metrics (its lag among them: {@code kafka_consumer_fetch_manager_records_lag*}). */
    private static KafkaConsumer<byte[], byte[]> measured(
            KafkaConsumer<byte[], byte[]> consumer, ServiceTelemetry telemetry, List<KafkaClientMetrics> bound) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(telemetry.registry());
        bound.add(metrics);
        return consumer;
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T resource) {
        started.push(resource);
        return resource;
    }

    private static void closeAll(Deque<AutoCloseable> started, RuntimeException failure) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The consumer thread: runs the loop, and reports its end as the sink's when nobody asked it to stop. */
    private void consume() {
        try {
            loop.run();
        } finally {
            if (!closing) {
                Health.Component kafka = telemetry.health().components().get("kafka");
                stoppedForGood.complete("the consumer loop stopped" + (kafka == null ? "" : ": " + kafka.detail()));
            }
        }
    }

    /**
     * Completes when the consumer loop has ended on its own (a fatal error, already logged and reported on
     * {@code /health/live}); not on {@link #close()}.
     */
    @Override
    public CompletableFuture<String> stoppedForGood() {
        return stoppedForGood;
    }

    /** Whether the consumer loop has ended (after {@link #close()} or a fatal error). */
    public boolean isStopped() {
        return loop.isStopped();
    }

    /** The archive this sink writes to. */
    public ArchiveStore store() {
        return store;
    }

    /** What {@code /health/*} reports. */
    public Health health() {
        return telemetry.health();
    }

    /** The Prometheus registry behind {@code /metrics}: the sink's meters and the JVM's. */
    public PrometheusMeterRegistry registry() {
        return telemetry.registry();
    }

    /** The port of the operations server. */
    public int opsPort() {
        return ops.port();
    }

    /**
     * Stops consuming, then releases the HTTP client, the download threads, the archive client and the operations
     * server; idempotent.
     */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        loop.close();
        clientMetrics.forEach(KafkaClientMetrics::close);
        archiver.close();
        fetcher.close();
        completed.close();
        archived.close();
        store.close();
        ops.close();
        telemetry.close();
        tracing.close();
    }
}
