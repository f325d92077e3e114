package io.runflowkafka.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer-group lag from the Admin client: per group and pipeline topic, other topics left out. */
class GroupLagIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldSumEachGroupsLagPerPipelineTopic() throws Exception {
        ConsoleSettings.PipelineTopics topics = ConsoleSettings.PipelineTopics.defaults();
        String other = Unique.topic("not-the-pipeline");
        KAFKA.topics().create(topics.uploaded(), 2);
        KAFKA.topics().create(topics.accepted(), 1);
        KAFKA.topics().create(other, 1);
        try (var producer = KAFKA.clients().producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topics.uploaded(), i % 2, null, bytes("u" + i)));
                producer.send(new ProducerRecord<>(topics.accepted(), 0, null, bytes("a" + i)));
                producer.send(new ProducerRecord<>(other, 0, null, bytes("o" + i)));
            }
            producer.flush();
        }
        String processor = Unique.name("processor");
        String sink = Unique.name("sink");
        String stranger = Unique.name("stranger");
        Map<String, Object> adminConfig = new HashMap<>();
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(adminConfig)) {
            admin.alterConsumerGroupOffsets(
                            processor,
                            Map.of(
                                    new TopicPartition(topics.uploaded(), 0), new OffsetAndMetadata(2),
                                    new TopicPartition(topics.uploaded(), 1), new OffsetAndMetadata(5),
                                    new TopicPartition(topics.accepted(), 0), new OffsetAndMetadata(10)))
                    .all()
                    .get();
            admin.alterConsumerGroupOffsets(
                            sink, Map.of(new TopicPartition(topics.accepted(), 0), new OffsetAndMetadata(4)))
                    .all()
                    .get();
            admin.alterConsumerGroupOffsets(stranger, Map.of(new TopicPartition(other, 0), new OffsetAndMetadata(1)))
                    .all()
                    .get();
        }

        try (GroupLag lag = new GroupLag(new ConsoleSettings(
                "127.0.0.1",
                0,
                Optional.empty(),
                KAFKA.bootstrapServers(),
                Map.of(),
                Map.of(),
                topics,
                Map.of(),
                new ArchiveSource.Folder(Unique.directory("group-lag-archive")),
                Optional.empty()))) {
            lag.refresh();

            assertThat(lag.error()).isNull();
            assertThat(lag.views())
                    .filteredOn(v -> v.group().equals(processor)
                            || v.group().equals(sink)
                            || v.group().equals(stranger))
                    .containsExactlyInAnyOrder(
                            new GroupLag.View(processor, topics.accepted(), 0, 1),
                            new GroupLag.View(processor, topics.uploaded(), 3, 2),
                            new GroupLag.View(sink, topics.accepted(), 6, 1));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
