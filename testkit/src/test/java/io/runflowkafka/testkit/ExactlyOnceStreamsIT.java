package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExactlyOnceStreamsIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int RECORDS = 50;

    static Topology uppercase(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()).withName("read-words"))
                .mapValues(value -> value.toUpperCase(Locale.ROOT), Named.as("uppercase"))
                .to(output, Produced.with(Serdes.String(), Serdes.String()).withName("write-words"));
        return builder.build();
    }

    @Test
    void shouldUppercaseEveryRecordExactlyOnceUnderExactlyOnceV2() {
        String input = Unique.topic("words");
        String output = Unique.topic("words.upper");
        KAFKA.topics().create(input, 2);
        KAFKA.topics().create(output, 2);
        KafkaClients clients = KAFKA.clients();

        try (KafkaProducer<String, String> producer =
                clients.producer(new StringSerializer(), new StringSerializer())) {
            IntStream.range(0, RECORDS)
                    .forEach(i -> producer.send(new ProducerRecord<>(input, "key-" + i, "word-" + i)));
        }

        try (KafkaStreams streams = new KafkaStreams(
                uppercase(input, output),
                clients.streamsConfig(Unique.name("uppercase"), Unique.directory("uppercase-state")))) {
            streams.start();

            List<ConsumerRecord<String, String>> upper = clients.drain(
                    output, new StringDeserializer(), new StringDeserializer(), RECORDS, Waits.DEFAULT_TIMEOUT);

            assertThat(upper)
                    .extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS)
                            .mapToObj(i -> "WORD-" + i)
                            .toList());
            assertThat(upper)
                    .allSatisfy(record ->
                            assertThat(record.value()).isEqualTo(record.key().replace("key", "WORD")));
            streams.close(Duration.ofSeconds(30));
        }

        // After a clean close everything is committed: read once more, exactly, to show there is no duplicate.
        assertThat(clients.countCommitted(output)).isEqualTo(RECORDS);
    }
}
