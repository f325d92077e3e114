package io.runflowkafka.common.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsRoutes;
import io.runflowkafka.common.ops.OpsServer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * What a service reports about itself, made the same way in every service: its {@link Health} and a Prometheus
 * registry with the JVM's own metrics (memory, GC, threads, class loading, CPU, uptime) already bound. Served by
 * {@link OpsRoutes} on the service's own HTTP server, or by an {@link OpsServer} for a service that has none.
 *
 * <p>Every meter carries the tag {@code application} (the service's name, e.g. {@code runflow-kafka-sink}), so that
 * dashboards and alert rules tell the services apart whatever the scrape configuration labels them; the gauge
 * {@code service_ready} is 1 while {@code /health/ready} answers 200, else 0.
 */
public final class ServiceTelemetry implements AutoCloseable {

    private final Health health = new Health();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    /** Binders with threads or listeners of their own (Kafka clients' metrics), closed with the registry. */
    private final List<AutoCloseable> closeableBinders = new CopyOnWriteArrayList<>();

    /**
     * A fresh health and registry, with the JVM metrics and the readiness gauge bound.
     *
     * @param application the value of every meter's {@code application} tag: {@code runflow-kafka-processor},
     *     {@code runflow-kafka-bridge} or {@code runflow-kafka-sink}
     */
    public ServiceTelemetry(String application) {
        registry.config().commonTags("application", Objects.requireNonNull(application, "application"));
        Gauge.builder("service.ready", health, h -> h.ready() ? 1 : 0)
                .description("1 while the service is ready (GET /health/ready answers 200), else 0")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The service's health, served on {@code /health/live} and {@code /health/ready}. */
    public Health health() {
        return health;
    }

    /** The service's metrics, served on {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Binds {@code binder} to the registry, and closes it with this telemetry when it holds a thread or a listener
     * (Micrometer's Kafka binders schedule one each).
     */
    public <B extends MeterBinder> B bind(B binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            closeableBinders.add(closeable);
        }
        return binder;
    }

    /** Starts an operations server on {@code host:port} ({@code port} 0 picks a free one) for these two. */
    public OpsServer serve(String host, int port) {
        return OpsServer.start(host, port, health, registry);
    }

    /** Closes the bound binders, stops listening to GC notifications and closes the registry. */
    @Override
    public void close() {
        for (AutoCloseable binder : closeableBinders) {
            try {
                binder.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(ServiceTelemetry.class)
                        .warn("a metrics binder did not close: {}", e.toString());
            }
        }
        gcMetrics.close();
        registry.close();
    }
}
