package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.testkit.KafkaBroker.Backend;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class BackendSelectionTest {

    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;
    private static final BooleanSupplier MUST_NOT_ASK = () -> {
        throw new AssertionError("Docker must not be probed when the choice is already made");
    };

    @Test
    void shouldUseExternalClusterWhenBootstrapServersAreInTheEnvironment() {
        Backend backend =
                BackendSelection.choose(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), Map.of(), MUST_NOT_ASK);

        assertThat(backend).isEqualTo(Backend.EXTERNAL);
    }

    @Test
    void shouldUseTestcontainersWhenDockerAnswersAndNoClusterIsNamed() {
        assertThat(BackendSelection.choose(Map.of(), Map.of(), DOCKER)).isEqualTo(Backend.TESTCONTAINERS);
    }

    @Test
    void shouldFallBackToInProcessBrokerWithoutDocker() {
        assertThat(BackendSelection.choose(Map.of(), Map.of(), NO_DOCKER)).isEqualTo(Backend.IN_PROCESS);
    }

    @Test
    void shouldIgnoreBlankBootstrapServers() {
        assertThat(BackendSelection.choose(Map.of("KAFKA_BOOTSTRAP_SERVERS", "  "), Map.of(), NO_DOCKER))
                .isEqualTo(Backend.IN_PROCESS);
    }

    @Test
    void shouldLetSystemPropertyForceInProcessEvenWithAClusterAndDocker() {
        Backend backend = BackendSelection.choose(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
                Map.of("runflow.testkit.backend", "in-process"),
                MUST_NOT_ASK);

        assertThat(backend).isEqualTo(Backend.IN_PROCESS);
    }

    @Test
    void shouldPreferSystemPropertyOverEnvironmentWhenForcingABackend() {
        Backend backend = BackendSelection.choose(
                Map.of("KAFKA_TEST_BACKEND", "in-process"),
                Map.of("runflow.testkit.backend", "Testcontainers"),
                MUST_NOT_ASK);

        assertThat(backend).isEqualTo(Backend.TESTCONTAINERS);
    }

    @Test
    void shouldRefuseForcedExternalBackendWithoutBootstrapServers() {
        assertThatThrownBy(
                        () -> BackendSelection.choose(Map.of("KAFKA_TEST_BACKEND", "external"), Map.of(), MUST_NOT_ASK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldRejectUnknownBackendNamesWithTheAllowedOnes() {
        assertThatThrownBy(() ->
                        BackendSelection.choose(Map.of(), Map.of("runflow.testkit.backend", "zookeeper"), MUST_NOT_ASK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("external, testcontainers or in-process");
    }

    @Test
    void shouldTakeTheContainerImageFromPropertyThenEnvironmentThenDefault() {
        assertThat(BackendSelection.image(
                        Map.of("KAFKA_TEST_IMAGE", "apache/kafka:4.0.0"),
                        Map.of("runflow.testkit.kafka-image", "apache/kafka-native:4.1.0")))
                .isEqualTo("apache/kafka-native:4.1.0");
        assertThat(BackendSelection.image(Map.of("KAFKA_TEST_IMAGE", "apache/kafka:4.0.0"), Map.of()))
                .isEqualTo("apache/kafka:4.0.0");
        assertThat(BackendSelection.image(Map.of(), Map.of())).isEqualTo(ContainerKafkaBroker.DEFAULT_IMAGE);
    }
}
