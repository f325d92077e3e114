package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerKafkaBrokerTest {

    @ParameterizedTest
    @CsvSource({
        "group.initial.rebalance.delay.ms, KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS",
        "offsets.topic.replication.factor, KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "listener.name.internal_x.sasl, KAFKA_LISTENER_NAME_INTERNAL__X_SASL",
        "some-dashed.key, KAFKA_SOME___DASHED_KEY"
    })
    void shouldMapBrokerPropertiesToTheApacheKafkaImageEnvironmentNames(String property, String expected) {
        assertThat(ContainerKafkaBroker.environmentName(property)).isEqualTo(expected);
    }
}
