package io.runflowkafka.bridge;

import io.runflowkafka.common.concurrent.DaemonThreads;
import io.runflowkafka.common.ops.Health;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code kafka} health component current: every interval one {@code describeCluster} call with a short
 * time-out; the bridge is ready only while it answers. One cheap metadata request, no topic scan.
 */
final class KafkaReadiness implements AutoCloseable {

    /** The health component this class maintains. */
    public static final String COMPONENT = "kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);

    private final Admin admin;
    private final Health health;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private volatile Boolean lastUp;

    /**
     * @param admin the admin client to probe with
     * @param health where the result goes
     * @param interval time between probes; each probe may take at most this long
     */
    public KafkaReadiness(Admin admin, Health health, Duration interval) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.health = Objects.requireNonNull(health, "health");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-kafka-readiness"));
        health.down(COMPONENT, "not checked yet");
    }

    /** Probes once now, then every interval. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One probe; public so start-up can wait for a first answer. */
    public void probe() {
        long timeoutMs = Math.max(500, interval.toMillis());
        try {
            String clusterId = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                    .clusterId()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            health.up(COMPONENT, "cluster " + clusterId + " reachable");
            if (!Boolean.TRUE.equals(lastUp)) {
                LOG.info("Kafka cluster {} is reachable: ready", clusterId);
            }
            lastUp = true;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String reason = "Kafka not reachable: " + cause.getClass().getSimpleName();
            health.down(COMPONENT, reason);
            if (!Boolean.FALSE.equals(lastUp)) {
                LOG.warn("{}: not ready until it answers again", reason);
            }
            lastUp = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            health.down(COMPONENT, "Kafka probe failed: " + e.getClass().getSimpleName());
            LOG.warn("Kafka readiness probe failed", e);
            lastUp = false;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
