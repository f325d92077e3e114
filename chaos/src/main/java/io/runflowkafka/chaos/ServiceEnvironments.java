package io.runflowkafka.chaos;

import io.runflowkafka.emulator.RunflowEmulator;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment each service JVM of the chaos run starts with: the way an operator configures them, with
 * time-outs short enough for faults to show within the run.
 */
final class ServiceEnvironments {

    private ServiceEnvironments() {}

    /** What every service shares: the brokers, the registry, loopback only, topics made by the run. */
    static Map<String, String> common(String bootstrapServers, String registryUrl, int partitions) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("TOPICS_CREATE", "false");
        env.put("TOPICS_PARTITIONS", Integer.toString(partitions));
        env.put("TOPICS_REPLICATION_FACTOR", "3");
        return env;
    }

    static Map<String, String> bridge(
            Map<String, String> common, int port, String callbackSecret, String signingSecret) {
        Map<String, String> env = new HashMap<>(common);
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("BRIDGE_CALLBACK_SECRETS", callbackSecret);
        env.put("BRIDGE_SIGNING_SECRET", signingSecret);
        env.put("BRIDGE_REQUEST_LOG", "false");
        env.put("BRIDGE_RETRY_AFTER_MS", "1000");
        return env;
    }

    static Map<String, String> processor(
            Map<String, String> common, Path stateDir, String bridgeUrl, String callbackSecret, String runflowUrl) {
        Map<String, String> env = groupMember(common);
        env.put("PROCESSOR_STATE_DIR", stateDir.toString());
        env.put("PROCESSOR_BRIDGE_PUBLIC_URL", bridgeUrl);
        env.put("PROCESSOR_CALLBACK_SECRET", callbackSecret);
        env.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "5000");
        env.put("PROCESSOR_MAX_IN_FLIGHT", "16");
        env.put("PROCESSOR_SHUTDOWN_TIMEOUT_MS", "10000");
        env.put("RUNFLOW_BASE_URL", runflowUrl);
        env.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
        return env;
    }

    static Map<String, String> sink(
            Map<String, String> common,
            int index,
            Path archive,
            Path trustStore,
            String trustStorePassword,
            String imageAuthority) {
        Map<String, String> env = groupMember(common);
        env.put("SINK_TRANSACTIONAL_ID", "chaos-sink-" + index);
        env.put("SINK_ARCHIVE_DIR", archive.toString());
        env.put("SINK_URL_ALLOWED_HOSTS", imageAuthority);
        env.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
        env.put("SINK_TLS_TRUSTSTORE_PASSWORD", trustStorePassword);
        env.put("SINK_RETRY_MAX_BACKOFF_MS", "5000");
        return env;
    }

    /** What a consumer-group member shares: any free HTTP port, and a session short enough for faults to show. */
    private static Map<String, String> groupMember(Map<String, String> common) {
        Map<String, String> env = new HashMap<>(common);
        env.put("HTTP_PORT", "0");
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
        return env;
    }
}
