package io.runflowkafka.testkit;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A single-node KRaft Kafka (one node acting as broker and controller) running inside the test JVM,
 * built on Kafka's own {@link KafkaClusterTestKit}; it needs no Docker engine and, once the JVM is warm, starts in
 * well under a second.
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
     * Settings for the in-process node only. The controller refuses a restarted broker's registration while the
     * previous incarnation's heartbeat session is still valid (9 s by default), so a shorter session makes
     * {@link #stop()} then {@link #start()} take about a second or two instead of ten; heartbeats stay in-process.
     * Unstable protocol and feature versions are off so the broker behaves like a released one.
     */
    static final Map<String, String> IN_PROCESS_DEFAULTS = Map.ofEntries(
            Map.entry("broker.session.timeout.ms", "3000"),
            Map.entry("broker.heartbeat.interval.ms", "500"),
            Map.entry("unstable.api.versions.enable", "false"),
            Map.entry("unstable.feature.versions.enable", "false"));

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Path dataDirectory;
    private boolean running;

    private InProcessKafkaBroker(KafkaClusterTestKit cluster, Path dataDirectory) {
        this.cluster = cluster;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = cluster.bootstrapServers();
        this.running = true;
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
        long startedAt = System.nanoTime();
        Map<String, String> properties = new LinkedHashMap<>(TEST_DEFAULTS);
        properties.putAll(IN_PROCESS_DEFAULTS);
        properties.putAll(brokerProperties);

        KafkaClusterTestKit cluster = build(dataDirectory, properties);
        try {
            cluster.format();
            cluster.startup();
            awaitReady(cluster);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(cluster);
            throw new IllegalStateException("The in-process Kafka broker did not start in " + dataDirectory, e);
        }
        InProcessKafkaBroker broker = new InProcessKafkaBroker(cluster, dataDirectory);
        LOG.info("In-process Kafka broker ready at {} in {} ms (data in {})",
                broker.bootstrapServers, elapsedMillis(startedAt), dataDirectory);
        return broker;
    }

    private static KafkaClusterTestKit build(Path dataDirectory, Map<String, String> properties) {
        TestKitNodes nodes = new TestKitNodes.Builder(productionMetadata())
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dataDirectory)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        properties.forEach(builder::setConfigProp);
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalStateException("Could not build the in-process Kafka broker in " + dataDirectory, e);
        }
    }

    /** The metadata and feature levels a released broker of this Kafka version formats with (the test kit defaults to unreleased ones). */
    private static BootstrapMetadata productionMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream()
                .collect(Collectors.toMap(Feature::featureName, f -> f.defaultLevel(version), (a, b) -> a, TreeMap::new));
        return BootstrapMetadata.fromVersions(version, features, "runflow-kafka-testkit");
    }

    /** Waits, bounded, until the controller has unfenced every broker and each broker's metadata lists them all. */
    private static void awaitReady(KafkaClusterTestKit cluster)
            throws InterruptedException, ExecutionException, TimeoutException {
        ControllerServer controller = cluster.controllers().values().iterator().next();
        controller.controller().waitForReadyBrokers(cluster.brokers().size())
                .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Waits.await("in-process broker metadata to list every live broker", READY_TIMEOUT)
                .until(() -> cluster.brokers().values().stream().allMatch(broker ->
                        cluster.brokers().keySet().stream().allMatch(broker.metadataCache()::hasAliveBroker)));
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

    /**
     * Shuts the broker role down (controlled shutdown, logs flushed, listener closed); the controller keeps
     * running so the same node can rejoin, which is how Kafka's own test kit restarts brokers.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        long startedAt = System.nanoTime();
        cluster.brokers().values().forEach(BrokerServer::shutdown);
        running = false;
        LOG.info("In-process Kafka broker at {} stopped in {} ms", bootstrapServers, elapsedMillis(startedAt));
    }

    /**
     * Starts the broker role again. The test kit hands the broker the port it had before (its pre-bound
     * socket factory re-binds the same port), so clients keep their bootstrap address.
     */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        long startedAt = System.nanoTime();
        try {
            cluster.brokers().values().forEach(BrokerServer::startup);
            awaitReady(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting the in-process Kafka broker", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new IllegalStateException("The in-process Kafka broker at " + bootstrapServers + " did not restart", e);
        }
        String now = cluster.bootstrapServers();
        if (!now.equals(bootstrapServers)) {
            throw new IllegalStateException("The in-process Kafka broker came back at " + now + " instead of " + bootstrapServers);
        }
        running = true;
        LOG.info("In-process Kafka broker at {} restarted in {} ms", bootstrapServers, elapsedMillis(startedAt));
    }

    @Override
    public synchronized void close() {
        long startedAt = System.nanoTime();
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("The in-process Kafka broker at " + bootstrapServers + " did not shut down cleanly", e);
        } finally {
            running = false;
        }
        LOG.info("In-process Kafka broker at {} closed in {} ms", bootstrapServers, elapsedMillis(startedAt));
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("Could not clean up a Kafka broker that failed to start", e);
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
