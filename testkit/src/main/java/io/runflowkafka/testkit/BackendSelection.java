package io.runflowkafka.testkit;

import io.runflowkafka.testkit.KafkaBroker.Backend;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Decides which backend gives a test its broker: an explicit choice, else an external cluster when one is
 * named, else Docker when an engine answers, else the in-process broker.
 */
final class BackendSelection {

    /** Environment variable naming an external cluster. */
    static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    /** System property forcing a backend: {@code external}, {@code testcontainers} or {@code in-process}. */
    static final String BACKEND_PROPERTY = "runflow.testkit.backend";
    /** Environment variable forcing a backend, for CI jobs that cannot pass system properties. */
    static final String BACKEND_ENV = "KAFKA_TEST_BACKEND";
    /** System property naming the Docker image for the Testcontainers backend. */
    static final String IMAGE_PROPERTY = "runflow.testkit.kafka-image";
    /** Environment variable naming the Docker image for the Testcontainers backend. */
    static final String IMAGE_ENV = "KAFKA_TEST_IMAGE";

    private BackendSelection() {}

    /**
     * The backend to use.
     *
     * @param env             the process environment
     * @param properties      the system properties
     * @param dockerAvailable asked only when neither a forced backend nor an external cluster decides
     */
    static Backend choose(Map<String, String> env, Map<String, String> properties, BooleanSupplier dockerAvailable) {
        String forced = firstNonBlank(properties.get(BACKEND_PROPERTY), env.get(BACKEND_ENV));
        if (forced != null) {
            Backend backend = parse(forced);
            if (backend == Backend.EXTERNAL && externalBootstrapServers(env) == null) {
                throw new IllegalStateException(
                        "Kafka test backend 'external' was chosen but " + BOOTSTRAP_SERVERS_ENV + " is not set");
            }
            return backend;
        }
        if (externalBootstrapServers(env) != null) {
            return Backend.EXTERNAL;
        }
        return dockerAvailable.getAsBoolean() ? Backend.TESTCONTAINERS : Backend.IN_PROCESS;
    }

    /** The external cluster's address, or null when none is named. */
    static String externalBootstrapServers(Map<String, String> env) {
        return firstNonBlank(env.get(BOOTSTRAP_SERVERS_ENV), null);
    }

    /** The Docker image for the Testcontainers backend. */
    static String image(Map<String, String> env, Map<String, String> properties) {
        String image = firstNonBlank(properties.get(IMAGE_PROPERTY), env.get(IMAGE_ENV));
        return image != null ? image : ContainerKafkaBroker.DEFAULT_IMAGE;
    }

    private static Backend parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "external" -> Backend.EXTERNAL;
            case "testcontainers", "docker", "container" -> Backend.TESTCONTAINERS;
            case "in-process", "in_process", "inprocess", "embedded" -> Backend.IN_PROCESS;
            default ->
                throw new IllegalArgumentException(
                        "Unknown Kafka test backend '" + value + "': use external, testcontainers or in-process");
        };
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first.strip();
        }
        if (second != null && !second.isBlank()) {
            return second.strip();
        }
        return null;
    }
}
