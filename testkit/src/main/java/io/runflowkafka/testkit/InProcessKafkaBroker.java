package io.runflowkafka.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (one node acting as broker and controller) running inside the test JVM on Kafka's own
 * {@link KafkaRaftServer}, as the demo's broker does; it needs no Docker engine and, once the JVM is warm, starts in
 * about a second. (Kafka's {@code KafkaClusterTestKit} would do, but from 4.4 it needs {@code kafka-clients}' test
 * jar, which Maven Central does not serve for 4.4.)
 */
public final class InProcessKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessKafkaBroker.class);

    /** How long a (re)start may take before the test fails instead of hanging. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Broker settings for any one-node test cluster: internal topics must fit on one broker, consumer groups
     * should not wait for more members, and small internal topics make the first group and the first
     * transaction much faster to set up.
     */
    static final Map<String, String> TEST_DEFAULTS = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"));

    /**
     * Settings for the in-process node only: a short broker session, so that a restarted broker registers again
     * quickly; unstable protocol and feature versions off, so the broker behaves like a released one.
     */
    static final Map<String, String> IN_PROCESS_DEFAULTS = Map.ofEntries(
            Map.entry("broker.session.timeout.ms", "3000"),
            Map.entry("broker.heartbeat.interval.ms", "500"),
            Map.entry("unstable.api.versions.enable", "false"),
            Map.entry("unstable.feature.versions.enable", "false"));

    private final KafkaConfig config;
    private final String bootstrapServers;
    private final Path dataDirectory;
    private KafkaRaftServer server;
    private boolean running;

    private InProcessKafkaBroker(KafkaConfig config, String bootstrapServers, Path dataDirectory) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Formats {@code dataDirectory} and starts a broker there with the test kit's one-node defaults.
     *
     * @param dataDirectory where the broker keeps its logs and metadata; removed by {@link #close()}
     */
    public static InProcessKafkaBroker start(Path dataDirectory) {
        return start(dataDirectory, Map.of());
    }

    /**
     * Formats {@code dataDirectory} and starts a broker there with the test kit's one-node defaults overridden by
     * {@code brokerProperties} (Kafka broker keys, e.g. {@code auto.create.topics.enable}).
     */
    public static InProcessKafkaBroker start(Path dataDirectory, Map<String, String> brokerProperties) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Path logDir = dataDirectory.toAbsolutePath();
        int brokerPort = freePort();
        int controllerPort = freePort();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "0");
        properties.put("controller.quorum.voters", "0@127.0.0.1:" + controllerPort);
        properties.put(
                "listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("log.dirs", logDir.toString());
        properties.putAll(TEST_DEFAULTS);
        properties.putAll(IN_PROCESS_DEFAULTS);
        properties.putAll(brokerProperties);
        Properties props = new Properties();
        props.putAll(properties);
        KafkaConfig config;
        try {
            config = KafkaConfig.fromProps(props, false);
            format(logDir);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not build the in-process Kafka broker in " + dataDirectory, e);
        }
        InProcessKafkaBroker broker = new InProcessKafkaBroker(config, "127.0.0.1:" + brokerPort, logDir);
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.deleteData();
            throw new IllegalStateException("The in-process Kafka broker did not start in " + dataDirectory, e);
        }
        return broker;
    }

    /** Formats the node's storage with the metadata and feature levels a released broker of this version uses. */
    private static void format(Path logDir) {
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(0)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** Waits, bounded, until the broker answers and lists itself as a live node. */
    private void awaitReady() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "in-process-broker-probe-" + UUID.randomUUID()))) {
            Waits.await("in-process broker at " + bootstrapServers + " to list itself", READY_TIMEOUT)
                    .until(() -> !admin.describeCluster()
                            .nodes()
                            .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .isEmpty());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Backend backend() {
        return Backend.IN_PROCESS;
    }

    @Override
    public boolean supportsRestart() {
        return true;
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** The directory holding this broker's logs and metadata. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Shuts the node down cleanly (controlled shutdown, logs flushed, listeners closed); its data stays. */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        long startedAt = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        server = null;
        running = false;
        LOG.info("In-process Kafka broker at {} stopped in {} ms", bootstrapServers, elapsedMillis(startedAt));
    }

    /** Starts the node again on its data and its ports, so clients keep their bootstrap address. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        long startedAt = System.nanoTime();
        KafkaRaftServer starting = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            starting.startup();
            server = starting;
            awaitReady();
        } catch (RuntimeException e) {
            starting.shutdown();
            starting.awaitShutdown();
            server = null;
            throw new IllegalStateException("The in-process Kafka broker at " + bootstrapServers + " did not start", e);
        }
        running = true;
        LOG.info(
                "In-process Kafka broker ready at {} in {} ms (data in {})",
                bootstrapServers,
                elapsedMillis(startedAt),
                dataDirectory);
    }

    /** Stops the node and deletes its data directory. */
    @Override
    public synchronized void close() {
        long startedAt = System.nanoTime();
        try {
            stop();
        } finally {
            deleteData();
        }
        LOG.info("In-process Kafka broker at {} closed in {} ms", bootstrapServers, elapsedMillis(startedAt));
    }

    private void deleteData() {
        if (!Files.exists(dataDirectory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete the in-process Kafka broker's data in {}", dataDirectory, e);
        }
    }

    private static long elapsedMillis(long startedAtNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
    }

    @Override
    public String toString() {
        return "in-process Kafka broker at " + bootstrapServers;
    }
}
