package io.runflowkafka.sink;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.ops.OpsServer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the storage sink: {@code java -cp … io.runflowkafka.sink.StorageSinkMain [sink.properties]}, with
 * environment variables overriding the file ({@code sink.download.concurrency} ← {@code SINK_DOWNLOAD_CONCURRENCY}).
 */
public final class StorageSinkMain {

    static {
        // The jar ships no logback.xml (it would clash with an embedding application's), so the service points
        // logback at its own file unless the operator chose one; this must run before the first logger exists.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/runflowkafka/sink/logback-service.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StorageSinkMain.class);

    private StorageSinkMain() {}

    /**
     * Starts the sink and its operations server, and runs until the process is stopped (exit 0) or the consumer
     * loop fails for good (exit 1). An invalid configuration exits with 2 and a message naming the key.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            System.err.println("usage: StorageSinkMain [properties-file]");
            System.exit(2);
        }
        ServiceConfig config;
        try {
            config = ServiceConfig.load(
                    SinkKeys.define(), args.length == 1 ? Optional.of(Path.of(args[0])) : Optional.empty());
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("configuration:\n{}", config.describe());
        Health health = new Health();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OpsServer ops = OpsServer.start(
                config.getString(CommonKeys.HTTP_HOST), config.getInt(CommonKeys.HTTP_PORT), health, registry);
        LOG.info("health and metrics on port {}", ops.port());
        StorageSink sink;
        try {
            sink = StorageSink.start(config, health, registry);
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            ops.close();
            System.exit(2);
            return;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping.set(true);
                            LOG.info("stopping");
                            sink.close();
                            ops.close();
                        },
                        "sink-shutdown"));
        sink.awaitStop();
        if (!stopping.get()) {
            // The loop ended on its own (a fatal error, already logged): let the orchestrator restart the process.
            LOG.error("the consumer loop stopped; exiting");
            System.exit(1);
        }
    }
}
