package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.common.config.CommonKeys;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TracingConfigTest {

    @Test
    void shouldExportNoSpansByDefaultAndTakeTheStandardVariable() {
        assertThat(ProcessorConfig.defaults().otlpEndpoint()).isEmpty();
        assertThat(ProcessorConfig.load(Optional.empty(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " http://c:4318 "))
                        .otlpEndpoint())
                .isEqualTo("http://c:4318");
    }

    @Test
    void shouldRefuseAnEndpointThatIsNotAnHttpUrlByItsKey() {
        assertThatThrownBy(() -> ProcessorConfig.load(
                        Optional.empty(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://collector:4317")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CommonKeys.OTLP_ENDPOINT);
    }
}
