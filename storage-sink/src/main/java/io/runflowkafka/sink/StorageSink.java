package io.runflowkafka.sink;

import io.micrometer.core.instrument.MeterRegistry;
import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.kafka.Topics;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.tls.TlsTrust;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.S3ArchiveStore;
import io.runflowkafka.sink.fetch.ImageFetcher;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.UrlPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
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
 * The storage sink service assembled from its configuration: archive back end, URL policy, fetcher, archiver
 * and the consumer loop on its own thread. {@link StorageSinkMain} runs it; tests and the embedded demo start
 * it in-process.
 */
public final class StorageSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSink.class);

    private final ArchiveStore store;
    private final ImageFetcher fetcher;
    private final EventArchiver archiver;
    private final ArchiveLoop loop;
    private final Thread thread;
    private final Deserializer<HeadshotsCompleted> completed;
    private final Serializer<HeadshotsArchived> archived;

    private StorageSink(
            ArchiveStore store,
            ImageFetcher fetcher,
            EventArchiver archiver,
            ArchiveLoop loop,
            Deserializer<HeadshotsCompleted> completed,
            Serializer<HeadshotsArchived> archived) {
        this.store = store;
        this.fetcher = fetcher;
        this.archiver = archiver;
        this.loop = loop;
        this.completed = completed;
        this.archived = archived;
        this.thread = new Thread(loop, "sink-consumer");
    }

    /**
     * Builds the sink from {@code config}, creates missing topics when configured to, and starts consuming.
     *
     * @throws ConfigException when a setting is missing or inconsistent
     * @throws ArchiveException when the filesystem archive cannot be created
     */
    public static StorageSink start(ServiceConfig config, Health health, MeterRegistry registry)
            throws ArchiveException {
        SinkMetrics metrics = new SinkMetrics(registry);
        ArchiveStore store = archiveStore(config);
        try {
            store.probe();
            health.up("archive", store.uri());
        } catch (ArchiveException e) {
            // Not fatal: an archive that is down at start is retried like one that goes down later.
            health.down("archive", e.getMessage());
            LOG.warn("archive not available at start: {}", e.getMessage());
        }
        AddressPolicy addresses = new AddressPolicy(config.getBoolean(SinkKeys.ALLOW_PRIVATE));
        UrlPolicy policy = new UrlPolicy(config.getList(SinkKeys.ALLOWED_HOSTS), addresses);
        int concurrency = config.getInt(SinkKeys.DOWNLOAD_CONCURRENCY);
        ImageFetcher fetcher = new ImageFetcher(
                new ImageFetcher.Settings(
                        Duration.ofMillis(config.getLong(SinkKeys.DOWNLOAD_CONNECT_TIMEOUT_MS)),
                        Duration.ofMillis(config.getLong(SinkKeys.DOWNLOAD_TIMEOUT_MS)),
                        config.getLong(SinkKeys.MAX_IMAGE_BYTES),
                        config.getInt(SinkKeys.MAX_REDIRECTS),
                        concurrency,
                        trust(config)),
                policy);
        EventArchiver archiver = new EventArchiver(
                new EventArchiver.Settings(
                        concurrency,
                        config.getInt(SinkKeys.DOWNLOAD_PER_EVENT),
                        config.getInt(SinkKeys.DOWNLOAD_ATTEMPTS),
                        Duration.ofMillis(config.getLong(SinkKeys.DOWNLOAD_BACKOFF_MS)),
                        config.getInt(SinkKeys.MAX_IMAGES)),
                policy,
                fetcher,
                store,
                metrics,
                Clock.systemUTC());

        String completedTopic = config.getString(SinkKeys.TOPIC_COMPLETED);
        String archivedTopic = config.getString(SinkKeys.TOPIC_ARCHIVED);
        String dlqTopic = config.getString(SinkKeys.TOPIC_DLQ);
        Map<String, Object> kafka = config.kafkaProperties();
        if (config.getBoolean(CommonKeys.CREATE_TOPICS)) {
            try (Admin admin = Admin.create(kafka)) {
                int partitions = config.getInt(CommonKeys.TOPIC_PARTITIONS);
                short replication = config.getShort(CommonKeys.TOPIC_REPLICATION);
                Topics.ensure(
                        admin,
                        List.of(
                                Topics.topic(completedTopic, partitions, replication),
                                Topics.topic(archivedTopic, partitions, replication),
                                Topics.topic(dlqTopic, partitions, replication)));
            }
        }
        Map<String, Object> schemas = config.schemaRegistryProperties();
        Deserializer<HeadshotsCompleted> completed =
                AvroSerdes.specific(HeadshotsCompleted.class, schemas, false).deserializer();
        Serializer<HeadshotsArchived> archived =
                AvroSerdes.specific(HeadshotsArchived.class, schemas, false).serializer();

        String groupId = config.getString(SinkKeys.GROUP_ID);
        int window = config.getInt(SinkKeys.MAX_EVENTS_IN_FLIGHT);
        Map<String, Object> consumerProps = new HashMap<>(kafka);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, window);
        Map<String, Object> producerProps = new HashMap<>(kafka);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config, groupId));
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        ArchiveLoop loop = new ArchiveLoop(
                new ArchiveLoop.Settings(
                        completedTopic,
                        archivedTopic,
                        dlqTopic,
                        Duration.ofMillis(500),
                        Duration.ofMillis(config.getLong(SinkKeys.COMMIT_INTERVAL_MS)),
                        Duration.ofMillis(config.getLong(SinkKeys.RETRY_BACKOFF_MS)),
                        Duration.ofMillis(config.getLong(SinkKeys.RETRY_MAX_BACKOFF_MS)),
                        window),
                () -> new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                () -> new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()),
                completed,
                archived,
                archiver,
                store.uri(),
                metrics,
                health,
                Clock.systemUTC());
        StorageSink sink = new StorageSink(store, fetcher, archiver, loop, completed, archived);
        sink.thread.start();
        LOG.info(
                "storage sink started: archive {}, allowed hosts {}, private addresses {}, {} downloads ({} per event)",
                store.uri(),
                policy.allowedHosts(),
                addresses.allowsPrivate() ? "ALLOWED" : "refused",
                concurrency,
                config.getInt(SinkKeys.DOWNLOAD_PER_EVENT));
        return sink;
    }

    /** The archive back end named by {@code sink.archive}. */
    public static ArchiveStore archiveStore(ServiceConfig config) throws ArchiveException {
        if (config.getString(SinkKeys.ARCHIVE).equals("s3")) {
            String bucket = config.getString(SinkKeys.S3_BUCKET);
            if (bucket.isBlank()) {
                throw new ConfigException(SinkKeys.S3_BUCKET, bucket, "a bucket is required when sink.archive=s3");
            }
            String endpoint = config.getString(SinkKeys.S3_ENDPOINT);
            return S3ArchiveStore.withDefaultCredentials(new S3ArchiveStore.Settings(
                    bucket,
                    config.getString(SinkKeys.S3_PREFIX),
                    endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint)),
                    config.getBoolean(SinkKeys.S3_PATH_STYLE),
                    config.getString(SinkKeys.S3_REGION),
                    config.getBoolean(SinkKeys.S3_CHECKSUM_SHA256)));
        }
        return new FilesystemArchiveStore(
                Path.of(config.getString(SinkKeys.ARCHIVE_DIR)),
                config.getBoolean(SinkKeys.ARCHIVE_FSYNC),
                config.getBoolean(SinkKeys.ARCHIVE_DIRECT_IO));
    }

    private static Optional<TlsTrust> trust(ServiceConfig config) {
        String path = config.getString(SinkKeys.TLS_TRUSTSTORE);
        if (path.isBlank()) {
            return Optional.empty();
        }
        String password = config.secret(SinkKeys.TLS_TRUSTSTORE_PASSWORD);
        return Optional.of(new TlsTrust(Path.of(path), password == null ? new char[0] : password.toCharArray()));
    }

    private static String transactionalId(ServiceConfig config, String groupId) {
        String configured = config.getString(SinkKeys.TRANSACTIONAL_ID);
        if (!configured.isBlank()) {
            return configured;
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new ConfigException(
                        SinkKeys.TRANSACTIONAL_ID, "", "cannot derive one from the host name; set it");
            }
        }
        return groupId + "-" + host;
    }

    /** Blocks until the consumer loop has ended (after {@link #close()} or a fatal error). */
    public void awaitStop() throws InterruptedException {
        thread.join();
    }

    /** Whether the consumer loop has ended (after {@link #close()} or a fatal error). */
    public boolean isStopped() {
        return loop.isStopped();
    }

    /** The archive this sink writes to. */
    public ArchiveStore store() {
        return store;
    }

    /** Stops consuming and releases the HTTP client, the download threads and the archive client. */
    @Override
    public void close() {
        loop.close();
        archiver.close();
        fetcher.close();
        completed.close();
        archived.close();
        store.close();
    }
}
