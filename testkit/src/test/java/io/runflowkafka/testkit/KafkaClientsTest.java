package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private final KafkaClients clients = new KafkaClients("localhost:9092");

    @Test
    void shouldConfigureProducersIdempotentWithAllAcks() {
        assertThat(clients.producerConfig())
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true);
    }

    @Test
    void shouldConfigureConsumersReadCommittedFromEarliestWithoutAutoCommit() {
        assertThat(clients.consumerConfig("group-1"))
                .containsEntry("group.id", "group-1")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("enable.auto.commit", false);
        assertThat(clients.consumerConfig(null)).doesNotContainKey("group.id");
    }

    @Test
    void shouldConfigureStreamsForExactlyOnceV2WithTheGivenStateDirectory() {
        Path stateDirectory = Path.of("target", "state");

        Properties config = clients.streamsConfig("uppercase-app", stateDirectory);

        // Parsed by Kafka Streams itself, so a misspelt key or value fails here, not in a module's IT.
        StreamsConfig parsed = new StreamsConfig(config);
        assertThat(parsed.getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("uppercase-app");
        assertThat(parsed.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("localhost:9092");
        assertThat(parsed.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(parsed.getString(StreamsConfig.STATE_DIR_CONFIG))
                .isEqualTo(stateDirectory.toAbsolutePath().toString());
        assertThat(parsed.getMainConsumerConfigs("group", "client", 0)).containsEntry("auto.offset.reset", "earliest");
    }
}
