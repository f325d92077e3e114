package io.runflowkafka.testkit;

import io.runflowkafka.testkit.KafkaBroker.Backend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * JUnit 5 extension giving a test class one real Kafka broker, started before all its tests and closed
 * after them: an external cluster when {@code KAFKA_BOOTSTRAP_SERVERS} is set, else a Testcontainers
 * broker when a Docker engine answers, else an in-process KRaft broker.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 */
public final class KafkaBrokerExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);

    private final Map<String, String> brokerProperties;
    private volatile KafkaBroker broker;
    /** The JUnit context that started the broker; nested classes reuse it and must not close it. */
    private volatile String ownerContextId;

    /** An extension whose broker uses the test kit's one-node defaults. */
    public KafkaBrokerExtension() {
        this(Map.of());
    }

    private KafkaBrokerExtension(Map<String, String> brokerProperties) {
        this.brokerProperties = Map.copyOf(brokerProperties);
    }

    /**
     * A copy of this extension whose broker also gets {@code key=value} (a Kafka broker setting, e.g.
     * {@code auto.create.topics.enable=false}); ignored, with a warning, for an external cluster.
     */
    public KafkaBrokerExtension withBrokerProperty(String key, String value) {
        Map<String, String> properties = new LinkedHashMap<>(brokerProperties);
        properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new KafkaBrokerExtension(properties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (broker == null) {
            broker = startBroker(context.getRequiredTestClass());
            ownerContextId = context.getUniqueId();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (broker == null) {
            throw new ExtensionConfigurationException("KafkaBrokerExtension must be registered on a static field"
                    + " (@RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension())"
                    + " so that one broker serves the whole test class");
        }
    }

    /** Brings the broker back if a test stopped it and failed before starting it again, so later tests get a broker. */
    @Override
    public void afterEach(ExtensionContext context) {
        KafkaBroker current = broker;
        if (current != null && current.supportsRestart() && !current.isRunning()) {
            LOG.warn("{} left the Kafka broker stopped; starting it again for the next test", context.getDisplayName());
            current.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        KafkaBroker current = broker;
        if (current != null && context.getUniqueId().equals(ownerContextId)) {
            broker = null;
            ownerContextId = null;
            current.close();
        }
    }

    private KafkaBroker startBroker(Class<?> testClass) {
        Map<String, String> env = System.getenv();
        Map<String, String> properties = systemProperties();
        Backend backend = BackendSelection.choose(env, properties, KafkaBrokerExtension::dockerAvailable);
        LOG.info("Kafka for {}: {} backend", testClass.getSimpleName(), backend);
        return switch (backend) {
            case EXTERNAL -> {
                if (!brokerProperties.isEmpty()) {
                    LOG.warn(
                            "Broker properties {} are ignored: the external cluster is configured by its owner",
                            brokerProperties.keySet());
                }
                yield new ExternalKafkaBroker(BackendSelection.externalBootstrapServers(env));
            }
            case TESTCONTAINERS ->
                ContainerKafkaBroker.start(BackendSelection.image(env, properties), brokerProperties);
            case IN_PROCESS ->
                InProcessKafkaBroker.start(Unique.directory("kafka-" + testClass.getSimpleName()), brokerProperties);
        };
    }

    private static Map<String, String> systemProperties() {
        return System.getProperties().stringPropertyNames().stream()
                .collect(Collectors.toMap(name -> name, System::getProperty));
    }

    /** Asked once per JVM: without an engine Testcontainers logs one harmless ERROR line and answers false in ~0.2 s. */
    private static boolean dockerAvailable() {
        return DockerProbe.AVAILABLE;
    }

    /** Holds the Docker answer; the holder class defers the check until a test first needs it. */
    private static final class DockerProbe {
        static final boolean AVAILABLE = DockerClientFactory.instance().isDockerAvailable();
    }

    /** The broker handle; only valid between before-all and after-all of the test class. */
    public KafkaBroker broker() {
        KafkaBroker current = broker;
        if (current == null) {
            throw new IllegalStateException("No Kafka broker: the KafkaBrokerExtension is not registered on a static"
                    + " field of this test class, or its tests are not running");
        }
        return current;
    }

    /** The {@code bootstrap.servers} value for clients; unchanged by {@link #stop()} and {@link #start()}. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Which backend provides the broker. */
    public Backend backend() {
        return broker().backend();
    }

    /** Whether {@link #stop()} and {@link #start()} work here (not for an external cluster); guard restart tests with it. */
    public boolean supportsRestart() {
        return broker().supportsRestart();
    }

    /** Whether the broker currently accepts clients. */
    public boolean isRunning() {
        return broker().isRunning();
    }

    /** Takes the broker down with its data kept; see {@link KafkaBroker#stop()}. */
    public void stop() {
        broker().stop();
    }

    /** Brings the broker back on the same address; see {@link KafkaBroker#start()}. */
    public void start() {
        broker().start();
    }

    /** Topic administration against this broker. */
    public KafkaTopics topics() {
        return new KafkaTopics(bootstrapServers());
    }

    /** Producers, consumers and read helpers against this broker. */
    public KafkaClients clients() {
        return new KafkaClients(bootstrapServers());
    }
}
