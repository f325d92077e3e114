package io.runflowkafka.bridge;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.service.RunningService;
import io.runflowkafka.common.service.ServiceTelemetry;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.serde.AvroSerdes;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running bridge: HTTP server (callbacks, health, metrics), Kafka producer, readiness probe and telemetry,
 * started together by {@link #start} and stopped in order by {@link #close()} (refuse new requests, finish those in
 * flight, flush the producer, close the clients). {@link WebhookBridgeMain} runs it as a process; tests and the
 * embedded demo start it in-process.
 */
public final class WebhookBridge implements RunningService {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookBridge.class);
    private static final String HTTP_COMPONENT = "http";

    private final Javalin app;
    private final ServiceTelemetry telemetry;
    private final BridgeMetrics metrics;
    private final KafkaEventPublisher publisher;
    private final KafkaReadiness readiness;
    private final KafkaClientMetrics producerMetrics;
    private final Admin admin;
    private final Tracing tracing;
    // Nothing ends the bridge on its own: the server and the producer keep serving (or answering 503) until closed.
    private final CompletableFuture<String> stoppedForGood = new CompletableFuture<>();
    private boolean closed;

    private WebhookBridge(
            Javalin app,
            ServiceTelemetry telemetry,
            BridgeMetrics metrics,
            KafkaEventPublisher publisher,
            KafkaReadiness readiness,
            KafkaClientMetrics producerMetrics,
            Admin admin,
            Tracing tracing) {
        this.tracing = tracing;
        this.app = app;
        this.telemetry = telemetry;
        this.metrics = metrics;
        this.publisher = publisher;
        this.readiness = readiness;
        this.producerMetrics = producerMetrics;
        this.admin = admin;
    }

    /**
     * Starts the bridge from its configuration.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key when a setting does not fit
     */
    public static WebhookBridge start(BridgeConfig config) {
        return start(config.settings(), config.kafkaProperties(), config.schemaRegistryProperties());
    }

    /**
     * Starts the bridge: creates missing topics (when enabled), the producer, the probe and the HTTP server.
     *
     * @param settings the bridge's settings
     * @param kafkaProperties Kafka client properties ({@code bootstrap.servers}, security, producer tuning)
     * @param registryProperties Schema Registry serde properties ({@code schema.registry.url}, ...)
     */
    public static WebhookBridge start(
            BridgeSettings settings, Map<String, Object> kafkaProperties, Map<String, Object> registryProperties) {
        Objects.requireNonNull(settings, "settings");
        ServiceTelemetry telemetry = new ServiceTelemetry("runflow-kafka-bridge");
        PrometheusMeterRegistry registry = telemetry.registry();
        Health health = telemetry.health();
        health.down(HTTP_COMPONENT, "starting");

        Admin admin;
        try {
            admin = Admin.create(adminProperties(kafkaProperties, settings));
        } catch (RuntimeException e) {
            telemetry.close();
            throw e;
        }
        Producer<String, byte[]> producer = null;
        Tracing tracing = Tracing.create(BridgeConfig.SERVICE_NAME, settings.otlpEndpoint());
        KafkaReadiness readiness = null;
        KafkaEventPublisher publisher = null;
        try {
            settings.topics().ensure(admin, List.of(settings.headshotsTopic(), settings.runsTopic()));
            producer = KafkaEventPublisher.createProducer(
                    kafkaProperties, settings.limits().kafkaTimeout());
            KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Serializer<GenericRecord> serializer =
                    (Serializer) AvroSerdes.generic(registryProperties, false).serializer();
            publisher = new KafkaEventPublisher(
                    producer, serializer, registry, settings.server().shutdownTimeout());
            readiness = new KafkaReadiness(admin, health, settings.readinessInterval());

            QueuedThreadPool threads = new QueuedThreadPool(settings.server().threads(), 8);
            threads.setName("bridge-http");
            BridgeMetrics metrics = new BridgeMetrics(registry);
            Javalin app = BridgeRoutes.create(
                    handler(
                            "headshots",
                            new HeadshotsCallbackParser(settings.headshotsTopic(), settings.urlLifetime()),
                            settings,
                            publisher,
                            metrics,
                            threads,
                            tracing),
                    handler(
                            "runs",
                            new RunCallbackParser(settings.runsTopic()),
                            settings,
                            publisher,
                            metrics,
                            threads,
                            tracing),
                    metrics,
                    health,
                    registry,
                    settings.server(),
                    settings.limits(),
                    threads);
            readiness.probe();
            readiness.start();
            app.start(settings.server().host(), settings.server().port());
            health.up(HTTP_COMPONENT, "listening on port " + app.port());
            LOG.info(
                    "Webhook bridge listening on {}:{} (callbacks to {} and {}, signatures {})",
                    settings.server().host(),
                    app.port(),
                    settings.headshotsTopic(),
                    settings.runsTopic(),
                    settings.signatures().enabled() ? "required" : "off");
            return new WebhookBridge(app, telemetry, metrics, publisher, readiness, producerMetrics, admin, tracing);
        } catch (RuntimeException e) {
            if (readiness != null) {
                readiness.close();
            }
            if (publisher != null) {
                publisher.close();
            } else if (producer != null) {
                producer.close();
            }
            admin.close();
            telemetry.close();
            tracing.close();
            throw e;
        }
    }

    private static CallbackHandler handler(
            String kind,
            CallbackParser parser,
            BridgeSettings settings,
            EventPublisher publisher,
            BridgeMetrics metrics,
            QueuedThreadPool threads,
            Tracing tracing) {
        return new CallbackHandler(
                kind,
                parser,
                settings.tokens(),
                settings.signatures(),
                publisher,
                metrics,
                threads,
                Clock.systemUTC(),
                settings.limits(),
                tracing);
    }

    private static Map<String, Object> adminProperties(Map<String, Object> kafkaProperties, BridgeSettings settings) {
        Map<String, Object> properties = new HashMap<>(kafkaProperties);
        // Only client-wide keys matter to the admin client; producer tuning would only log "unknown config" lines.
        properties.keySet().removeIf(key -> !AdminClientConfig.configNames().contains(key));
        properties.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "webhook-bridge-admin");
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Math.max(settings.readinessInterval().toMillis(), 1_000));
        properties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)
                Math.max(settings.readinessInterval().toMillis(), 1_000));
        return properties;
    }

    /** The port the HTTP server listens on. */
    public int port() {
        return app.port();
    }

    /** What {@code /health/*} reports. */
    public Health health() {
        return telemetry.health();
    }

    /** The request meters, e.g. how many callbacks were stored. */
    public BridgeMetrics metrics() {
        return metrics;
    }

    /** The Prometheus registry behind {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return telemetry.registry();
    }

    /** Completes only if the bridge stopped on its own, which nothing in it does: it never completes today. */
    @Override
    public CompletableFuture<String> stoppedForGood() {
        return stoppedForGood;
    }

    /**
     * Stops in order: not ready, no new connections, in-flight requests finished (up to the shutdown timeout),
     * buffered events flushed, clients closed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Webhook bridge stopping: finishing requests in flight");
        telemetry.health().down(HTTP_COMPONENT, "shutting down");
        try {
            app.stop();
        } catch (RuntimeException e) {
            // Javalin reports a graceful stop that ran out of time; the server is stopped all the same.
            LOG.warn("Webhook bridge HTTP server did not stop gracefully in time: {}", e.getMessage());
        } finally {
            readiness.close();
            publisher.close();
            producerMetrics.close();
            admin.close();
            telemetry.close();
            tracing.close();
        }
        LOG.info("Webhook bridge stopped");
    }
}
