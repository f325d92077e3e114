package io.runflowkafka.chaos;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka node (KRaft, combined broker + controller, one of a static three-voter quorum) as the whole of
 * its own JVM, so the chaos run can SIGKILL it and start it again on the same ports and data directory.
 * Storage is formatted only when {@code meta.properties} is missing.
 *
 * <p>Arguments: {@code nodeId clusterId dataDir brokerPort controllerPort voters}, where {@code voters} is
 * the quorum, e.g. {@code 1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103}.
 */
public final class ChaosBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosBroker.class);

    private ChaosBroker() {}

    /** Starts the node and blocks until the JVM is stopped. */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ChaosBroker nodeId clusterId dataDir brokerPort controllerPort voters");
            System.exit(2);
        }
        int nodeId = Integer.parseInt(args[0]);
        String clusterId = args[1];
        Path dir = Path.of(args[2]).toAbsolutePath();
        int brokerPort = Integer.parseInt(args[3]);
        int controllerPort = Integer.parseInt(args[4]);
        String voters = args[5];

        Properties props = new Properties();
        props.putAll(config(nodeId, dir, brokerPort, controllerPort, voters));
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(dir.resolve("meta.properties"))) {
            Files.createDirectories(dir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(dir.toString())
                    .setDirectories(List.of(dir.toString()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
            LOG.info("formatted node {} storage in {}", nodeId, dir);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.shutdown();
                            server.awaitShutdown();
                        },
                        "broker-shutdown"));
        server.startup();
        LOG.info("node {} up: broker 127.0.0.1:{}, controller 127.0.0.1:{}", nodeId, brokerPort, controllerPort);
        server.awaitShutdown();
    }

    /** The node's configuration: RF 3 and min ISR 2 for every topic, internal ones included. */
    static Map<String, String> config(int nodeId, Path dir, int brokerPort, int controllerPort, String voters) {
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(nodeId)),
                Map.entry("controller.quorum.voters", voters),
                Map.entry(
                        "listeners",
                        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dir.toString()),
                Map.entry("num.partitions", "6"),
                Map.entry("default.replication.factor", "3"),
                Map.entry("min.insync.replicas", "2"),
                Map.entry("offsets.topic.replication.factor", "3"),
                Map.entry("offsets.topic.num.partitions", "6"),
                Map.entry("transaction.state.log.replication.factor", "3"),
                Map.entry("transaction.state.log.min.isr", "2"),
                Map.entry("transaction.state.log.num.partitions", "6"),
                Map.entry("share.coordinator.state.topic.replication.factor", "3"),
                Map.entry("share.coordinator.state.topic.min.isr", "2"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "false"),
                // A killed node comes back unclean: let it rejoin fast, but never elect an out-of-sync replica.
                Map.entry("unclean.leader.election.enable", "false"),
                Map.entry("replica.lag.time.max.ms", "10000"),
                Map.entry("log.segment.bytes", Integer.toString(16 * 1024 * 1024)),
                Map.entry("log.flush.interval.messages", Long.toString(Long.MAX_VALUE)));
    }
}
