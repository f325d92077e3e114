package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** What the processor refuses in the Kafka Streams properties it is given, before anything starts. */
class StreamsPropertiesTest {

    private static ProcessorConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "unused:9092", "SCHEMA_REGISTRY_URL", "mock://streams-properties-test"));
        env.putAll(extra);
        return ProcessorConfig.load(Optional.empty(), env);
    }

    @Test
    void shouldRefuseTheStreamsGroupProtocolWhichBypassesTheProcessorsOwnMainConsumer() {
        ProcessorConfig config = config(Map.of("KAFKA_GROUP_PROTOCOL", "streams"));

        assertThatThrownBy(() -> StreamsProperties.of(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.protocol");
    }

    @Test
    void shouldAcceptTheClassicGroupProtocol() {
        ProcessorConfig config = config(Map.of("KAFKA_GROUP_PROTOCOL", "classic"));

        assertThat(StreamsProperties.of(config)).isNotNull();
    }

    @Test
    void shouldRefuseACommitIntervalOverHalfTheTransactionTimeout() {
        ProcessorConfig config = config(Map.of("KAFKA_COMMIT_INTERVAL_MS", "6000"));

        assertThatThrownBy(() -> StreamsProperties.of(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("commit.interval.ms");
    }
}
