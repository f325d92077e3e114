package io.runflowkafka.bridge;

import io.runflowkafka.common.config.ServiceConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the webhook bridge: {@code WebhookBridgeMain [bridge.properties]}, environment variables overriding the
 * file ({@code bridge.kafka-timeout-ms} ← {@code BRIDGE_KAFKA_TIMEOUT_MS}); stops gracefully on SIGTERM.
 */
public final class WebhookBridgeMain {

    static {
        // The jar ships no logback.xml (it would clash with an embedding application's), so the service points
        // logback at its own file unless the operator chose one; this must run before the first logger exists.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/runflowkafka/bridge/logback-service.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebhookBridgeMain.class);

    private WebhookBridgeMain() {}

    /** @param args an optional path to a properties file */
    public static void main(String[] args) {
        Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
        ServiceConfig config;
        WebhookBridge bridge;
        try {
            config = ServiceConfig.load(BridgeConfig.definition(), file);
            LOG.info("Webhook bridge configuration:\n{}", config.describe());
            bridge = WebhookBridge.start(config);
        } catch (ConfigException e) {
            LOG.error("Invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "bridge-shutdown"));
    }
}
