package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.sink.DeadLetterRecords;
import io.runflowkafka.sink.Outcome;
import io.runflowkafka.sink.Stage;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
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

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

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
                dead.headers().add("traceparent", bytes(TRACEPARENT));
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
        assertThat(replayed.get(0).headers().lastHeader("traceparent"))
                .as("the photo's trace goes on through the replay")
                .isNotNull()
                .extracting(h -> new String(h.value(), StandardCharsets.UTF_8))
                .isEqualTo(TRACEPARENT);
        assertThat(replayed.get(0).headers().lastHeader("__streams.errors.exception"))
                .as("the dead letter's own headers stay behind")
                .isNull();
    }

    @Test
    void shouldReplayTheProcessorsAndTheSinksDeadLettersToTheirSourceTopicsWithoutTo() {
        String uploads = Unique.topic("photos.uploaded");
        String completed = Unique.topic("headshots.completed");
        String dlq = Unique.topic("mixed.dlq");
        KAFKA.topics().create(uploads, 1);
        KAFKA.topics().create(completed, 1);
        KAFKA.topics().create(dlq, 1);
        try (KafkaProducer<byte[], byte[]> producer =
                KAFKA.clients().producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            // The processor's dead letter, with the headers its quality gate writes.
            producer.send(new ProducerRecord<>(
                    dlq,
                    null,
                    bytes("order-1"),
                    bytes("undecodable upload"),
                    DeadLetters.headers(new SerializationException("not Avro"), "deserialize", 0, uploads, 0, 41)));
            // The sink's dead letter, built by the sink's own code from the record it read.
            ConsumerRecord<byte[], byte[]> read =
                    new ConsumerRecord<>(completed, 0, 7, bytes("headshots-1"), bytes("completion"));
            producer.send(DeadLetterRecords.of(
                    dlq,
                    read,
                    new Outcome.DeadLetter(Stage.EXPIRED, "UrlsExpired", "job headshots-1 lost 60 of 60 images"),
                    Instant.parse("2026-12-07T10:00:00Z")));
            // A sink dead letter written before the shared convention names its source in dlq.source.topic.
            ProducerRecord<byte[], byte[]> legacy =
                    new ProducerRecord<>(dlq, bytes("headshots-2"), bytes("older completion"));
            legacy.headers().add("dlq.source.topic", bytes(completed));
            legacy.headers().add("dlq.error.stage", bytes("expired"));
            producer.send(legacy);
            producer.flush();
        }

        String output = run(
                "dlq",
                "replay",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                dlq,
                "--group",
                Unique.name("replay"),
                "--idle-timeout",
                "PT3S");

        assertThat(output)
                .contains(
                        "replay " + dlq + "-0@0 -> " + uploads + " key=order-1 stage=deserialize",
                        "replay " + dlq + "-0@1 -> " + completed + " key=headshots-1 stage=expired error=UrlsExpired",
                        "replay " + dlq + "-0@2 -> " + completed + " key=headshots-2 stage=expired",
                        "replayed 3 record(s)")
                .doesNotContain("skip");
        assertThat(KAFKA.clients().readAllCommitted(uploads, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("undecodable upload");
        assertThat(KAFKA.clients()
                        .readAllCommitted(completed, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("completion", "older completion");
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
