package io.runflowkafka.chaos;

import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Three KRaft nodes, each its own JVM ({@link ChaosBroker}), on fixed loopback ports chosen once, so a killed
 * node restarts where it was. Replication factor 3 and {@code min.insync.replicas} 2 everywhere.
 */
final class BrokerCluster implements AutoCloseable {

    static final int SIZE = 3;

    private final List<ChildJvm> nodes = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();

    BrokerCluster(Path dir, Path logs, String heap) {
        String clusterId = Uuid.randomUuid().toString();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            brokerPorts.add(freePort());
            controllerPorts.add(freePort());
        }
        String voters = java.util.stream.IntStream.range(0, SIZE)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        for (int i = 0; i < SIZE; i++) {
            int id = i + 1;
            nodes.add(new ChildJvm(
                    "broker-" + id,
                    ChaosBroker.class.getName(),
                    List.of(
                            Integer.toString(id),
                            clusterId,
                            dir.resolve("broker-" + id).toString(),
                            Integer.toString(brokerPorts.get(i)),
                            Integer.toString(controllerPorts.get(i)),
                            voters),
                    Map.of(),
                    logs.resolve("broker-" + id + ".log"),
                    heap));
        }
    }

    String bootstrapServers() {
        return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    List<ChildJvm> nodes() {
        return nodes;
    }

    /** Starts all three and waits until the cluster reports three brokers. */
    void start(Duration atMost) {
        nodes.forEach(ChildJvm::start);
        awaitBrokers(SIZE, atMost);
    }

    void awaitBrokers(int count, Duration atMost) {
        try (Admin admin = admin()) {
            Waits.await(count + " Kafka brokers registered", atMost)
                    .ignoreExceptions()
                    .until(() -> admin.describeCluster()
                                    .nodes()
                                    .get(5, TimeUnit.SECONDS)
                                    .size()
                            >= count);
        }
    }

    /** Waits until node {@code id} (1-based) answers requests itself: its log directories can be described. */
    void awaitNodeServing(int id, Duration atMost) {
        try (Admin admin = admin()) {
            Waits.await("Kafka node " + id + " serving again", atMost)
                    .ignoreExceptions()
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !admin.describeLogDirs(List.of(id))
                            .allDescriptions()
                            .get(5, TimeUnit.SECONDS)
                            .getOrDefault(id, Map.of())
                            .isEmpty());
        }
    }

    /** Waits until no partition of these topics is under-replicated (the restarted node has caught up). */
    void awaitFullyReplicated(List<String> topics, Duration atMost) {
        try (Admin admin = admin()) {
            Waits.await("every replica of " + topics + " in sync", atMost)
                    .ignoreExceptions()
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values().stream()
                            .flatMap(t -> t.partitions().stream())
                            .allMatch(p -> p.isr().size() == SIZE));
        }
    }

    /** Creates the topics (RF 3, min ISR 2) unless they exist. */
    void createTopics(List<String> topics, int partitions) {
        try (Admin admin = admin()) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) SIZE)
                                    .configs(Map.of("min.insync.replicas", "2"))))
                            .all()
                            .get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic, e);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create topic " + topic, e);
                }
            }
        }
    }

    Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "chaos-admin-" + UUID.randomUUID(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                "30000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                "10000"));
    }

    @Override
    public void close() {
        // The data is not kept: SIGKILL is the quickest bounded stop, and each node is stopped by its own PID.
        nodes.forEach(ChildJvm::kill);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
