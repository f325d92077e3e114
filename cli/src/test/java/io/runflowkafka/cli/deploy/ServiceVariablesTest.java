package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceVariablesTest {

    private final ServiceVariables processor = ServiceVariables.of(RunflowService.PROCESSOR);
    private final ServiceVariables bridge = ServiceVariables.of(RunflowService.BRIDGE);
    private final ServiceVariables sink = ServiceVariables.of(RunflowService.SINK);
    private final ServiceVariables emulator = ServiceVariables.of(RunflowService.EMULATOR);

    @Test
    void shouldAcceptTheVariableOfEveryDocumentedKey() {
        assertThat(processor.problem("PROCESSOR_MAX_IN_FLIGHT")).isEmpty();
        assertThat(processor.problem("RUNFLOW_API_KEY")).isEmpty();
        assertThat(bridge.problem("BRIDGE_CALLBACK_SECRETS")).isEmpty();
        assertThat(sink.problem("SINK_URL_ALLOWED_HOSTS")).isEmpty();
        assertThat(sink.problem("SCHEMA_REGISTRY_URL")).isEmpty();
        assertThat(processor.keyOf("PROCESSOR_MAX_IN_FLIGHT")).contains("processor.max-in-flight");
    }

    @Test
    void shouldAcceptKafkaPassThroughSecretFilesAndTheLauncherOptions() {
        assertThat(bridge.problem("KAFKA_SECURITY_PROTOCOL")).isEmpty();
        assertThat(bridge.problem("KAFKA_SASL_JAAS_CONFIG")).isEmpty();
        assertThat(processor.problem("RUNFLOW_API_KEY_FILE")).isEmpty();
        assertThat(bridge.problem("BRIDGE_CALLBACK_SECRETS_FILE")).isEmpty();
        assertThat(sink.problem("JAVA_OPTS")).isEmpty();
        assertThat(sink.problem("RUNFLOW_KAFKA_CONFIG")).isEmpty();
    }

    @Test
    void shouldRefuseAMisspeltVariableAndNameTheDocumentedOne() {
        assertThat(processor.problem("PROCESSOR_MAX_INFLIGHT"))
                .hasValueSatisfying(problem -> assertThat(problem)
                        .contains("PROCESSOR_MAX_INFLIGHT is not a variable the processor reads")
                        .contains("did you mean PROCESSOR_MAX_IN_FLIGHT?"));
        assertThat(bridge.problem("BRIDGE_CALLBACK_SECRET"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("did you mean BRIDGE_CALLBACK_SECRETS?"));
    }

    @Test
    void shouldRefuseTheKeyOfAnotherService() {
        assertThat(sink.problem("RUNFLOW_API_KEY")).isPresent();
        assertThat(bridge.problem("SINK_ARCHIVE")).isPresent();
    }

    @Test
    void shouldReadFilesOnlyForSecretKeys() {
        assertThat(processor.problem("HTTP_PORT_FILE")).isPresent();
        assertThat(bridge.problem("KAFKA_SASL_JAAS_CONFIG_FILE"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("is ignored"));
    }

    @Test
    void shouldAcceptOnlyTheStandardAwsVariablesAndOnlyWhereS3IsUsed() {
        assertThat(sink.problem("AWS_SECRET_ACCESS_KEY")).isEmpty();
        assertThat(processor.problem("AWS_REGION")).isEmpty();
        assertThat(sink.problem("AWS_SECRET_KEY"))
                .hasValueSatisfying(
                        problem -> assertThat(problem).contains("AWS_SECRET_KEY is not a variable the sink reads"));
        assertThat(bridge.problem("AWS_REGION")).isPresent();
    }

    @Test
    void shouldTakeTheEmulatorVariablesFromItsOptions() {
        assertThat(ServiceVariables.emulatorOptions())
                .containsEntry("RUNFLOW_EMULATOR_API_KEYS", "--api-key")
                .containsEntry("RUNFLOW_EMULATOR_HOST", "--host")
                .containsEntry("RUNFLOW_EMULATOR_TLS_KEYSTORE_PASSWORD", "--tls-keystore-password");
        assertThat(emulator.problem("RUNFLOW_EMULATOR_PUBLIC_BASE_URL")).isEmpty();
        assertThat(emulator.problem("JAVA_OPTS")).isEmpty();
        assertThat(emulator.problem("RUNFLOW_EMULATOR_APIKEYS"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("did you mean RUNFLOW_EMULATOR_API_KEYS?"));
        assertThat(emulator.problem("KAFKA_BOOTSTRAP_SERVERS")).isPresent();
    }
}
