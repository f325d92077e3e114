package io.runflowkafka.bridge;

import io.runflowkafka.common.service.ServiceLauncher;

/**
 * Runs the webhook bridge as a process: {@code WebhookBridgeMain [bridge.properties]}, environment variables
 * overriding the file ({@code bridge.kafka-timeout-ms} ← {@code BRIDGE_KAFKA_TIMEOUT_MS}). {@link ServiceLauncher}
 * keeps it running until SIGTERM stops it gracefully; exit 2 on an invalid configuration.
 */
public final class WebhookBridgeMain {

    static {
        // The jar ships no logback.xml (it would clash with an embedding application's), so the service points
        // logback at its own file unless the operator chose one; this must run before the first logger exists.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/runflowkafka/bridge/logback-service.xml");
        }
    }

    private WebhookBridgeMain() {}

    /** @param args an optional path to a properties file */
    public static void main(String[] args) {
        new ServiceLauncher<>("webhook bridge", BridgeConfig::load, BridgeConfig::describe, WebhookBridge::start)
                .main(args);
    }
}
