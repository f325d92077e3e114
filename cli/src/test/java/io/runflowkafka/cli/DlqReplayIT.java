package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DlqReplayIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private String run(String... args) {
        StringWriter out = new StringWriter();
        var line = Main.commandLine();
        line.setOut(new PrintWriter(out));
        assertThat(line.execute(args)).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void shouldListWithoutSendingThenReplayEachRecordOnceToItsSourceTopic() {
        String source = Unique.topic("photos.uploaded");
        String dlq = Unique.topic("photos.uploaded.dlq");
        KAFKA.topics().create(source, 1);
        KAFKA.topics().create(dlq, 1);
        try (KafkaProducer<byte[], byte[]> producer =
                KAFKA.clients().producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 2; i++) {
                ProducerRecord<byte[], byte[]> dead =
                        new ProducerRecord<>(dlq, bytes("order-" + i), bytes("value-" + i));
                dead.headers().add("__streams.errors.topic", bytes(source));
                dead.headers().add("__streams.errors.exception", bytes("InvalidRequestException"));
                dead.headers().add("runflow.errors.stage", bytes("score"));
                producer.send(dead);
            }
            producer.flush();
        }
        String group = Unique.name("replay");
        String[] common = {
            "dlq",
            "replay",
            "--bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--topic",
            dlq,
            "--group",
            group,
            "--idle-timeout",
            "PT3S"
        };

        String dryRun = run(concat(common, "--dry-run"));
        assertThat(dryRun)
                .contains(
                        "would replay " + dlq + "-0@0 -> " + source + " key=order-0 stage=score",
                        "would replay 2 record(s)");
        assertThat(KAFKA.clients().countCommitted(source))
                .as("a dry run sends nothing")
                .isZero();

        assertThat(run(common)).contains("replayed 2 record(s)");
        assertThat(run(common)).as("a second replay finds nothing new").contains("replayed 0 record(s)");

        List<ConsumerRecord<byte[], byte[]>> replayed =
                KAFKA.clients().readAllCommitted(source, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(replayed)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("value-0", "value-1");
        assertThat(new String(
                        replayed.get(0)
                                .headers()
                                .lastHeader(DlqReplayCommand.REPLAYED_FROM_HEADER)
                                .value(),
                        StandardCharsets.UTF_8))
                .startsWith(dlq + "-0@");
    }

    private static String[] concat(String[] head, String tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + 1);
        all[head.length] = tail;
        return all;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
