package io.runflowkafka.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-node KRaft Kafka in an {@code apache/kafka} container, started through Testcontainers. Its client
 * port is bound to a fixed host port so that a {@link #stop()} / {@link #start()} of the same container keeps
 * the address clients bootstrap from (Docker would otherwise pick a new random host port on restart, while the
 * broker keeps advertising the old one).
 */
public final class ContainerKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerKafkaBroker.class);

    /** The image used unless {@code KAFKA_TEST_IMAGE} or {@code -Drunflow.testkit.kafka-image} names another. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";

    /** The client port inside the container, as Testcontainers' {@link KafkaContainer} sets it up. */
    private static final int KAFKA_PORT = 9092;

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(90);

    private final KafkaContainer container;
    private final String bootstrapServers;
    private boolean running;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
        this.bootstrapServers = container.getBootstrapServers();
        this.running = true;
    }

    /**
     * Starts a broker from {@code image} with the one-node test settings, overridden by {@code brokerProperties}
     * (Kafka broker keys, passed as the image's {@code KAFKA_*} environment variables).
     */
    public static ContainerKafkaBroker start(String image, Map<String, String> brokerProperties) {
        Objects.requireNonNull(image, "image");
        long startedAt = System.nanoTime();
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
        InProcessKafkaBroker.TEST_DEFAULTS.forEach((key, value) -> container.withEnv(environmentName(key), value));
        brokerProperties.forEach((key, value) -> container.withEnv(environmentName(key), value));
        // A free port on this machine; with a remote Docker host the port must also be free there.
        container.setPortBindings(List.of(freeLocalPort() + ":" + KAFKA_PORT));
        container.start();
        ContainerKafkaBroker broker = new ContainerKafkaBroker(container);
        LOG.info(
                "Kafka container {} ready at {} in {} ms",
                image,
                broker.bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        return broker;
    }

    /**
     * The {@code apache/kafka} image's environment name for a broker property: dots become {@code _},
     * underscores {@code __}, dashes {@code ___}, upper-cased and prefixed with {@code KAFKA_}.
     */
    static String environmentName(String brokerProperty) {
        return "KAFKA_"
                + brokerProperty
                        .replace("_", "__")
                        .replace("-", "___")
                        .replace(".", "_")
                        .toUpperCase(Locale.ROOT);
    }

    private static int freeLocalPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free local port for the Kafka container", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Backend backend() {
        return Backend.TESTCONTAINERS;
    }

    @Override
    public boolean supportsRestart() {
        return true;
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** Stops the container (SIGTERM, so Kafka shuts down cleanly); its file system, hence the broker's data, is kept. */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        container
                .getDockerClient()
                .stopContainerCmd(container.getContainerId())
                .withTimeout((int) STOP_GRACE.toSeconds())
                .exec();
        running = false;
        LOG.info("Kafka container at {} stopped", bootstrapServers);
    }

    /** Starts the same container again (same fixed host port, same data) and waits until clients can reach it. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        long startedAt = System.nanoTime();
        container
                .getDockerClient()
                .startContainerCmd(container.getContainerId())
                .exec();
        Waits.await("Kafka container at " + bootstrapServers + " to accept clients after a restart", RESTART_TIMEOUT)
                .until(() -> BrokerProbe.isReachable(bootstrapServers));
        running = true;
        LOG.info(
                "Kafka container at {} restarted in {} ms",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
    }

    /** Stops and removes the container. */
    @Override
    public synchronized void close() {
        container.stop();
        running = false;
    }

    @Override
    public String toString() {
        return "Kafka container at " + bootstrapServers;
    }
}
