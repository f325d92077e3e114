package io.runflowkafka.cli;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runflow-kafka dlq replay}: sends dead-lettered records back to the topic they came from (named by
 * their {@code __streams.errors.topic} header, which the processor and the sink both write; see
 * {@link DeadLetterHeaders}) after the cause was fixed. Keys and values are copied byte for byte (the dead-letter
 * headers are not: a replayed record carries {@code runflow.replayed-from} instead);
 * the replay's progress is committed in the same transaction as the copies, so an interrupted replay
 * resumes without sending a record twice.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Re-send dead-lettered uploads or completions to their source topic (--dry-run lists them).")
public final class DlqReplayCommand implements Callable<Integer> {

    static final String REPLAYED_FROM_HEADER = "runflow.replayed-from";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            required = true,
            defaultValue = "${env:DLQ_TOPIC}",
            description = "The dead-letter topic to read, e.g. photos.uploaded.dlq (env DLQ_TOPIC).")
    String topic;

    @Option(
            names = "--to",
            defaultValue = "${env:DLQ_REPLAY_TO}",
            description = "Send every record to this topic instead of the one its header names (env DLQ_REPLAY_TO).")
    String to;

    @Option(names = "--dry-run", description = "List the records that would be replayed; send and commit nothing.")
    boolean dryRun;

    @Option(
            names = "--group",
            defaultValue = "${env:DLQ_REPLAY_GROUP:-runflow-kafka-dlq-replay}",
            description =
                    "Consumer group that remembers what was replayed (env DLQ_REPLAY_GROUP; default ${DEFAULT-VALUE}).")
    String group;

    @Option(
            names = "--max",
            defaultValue = "${env:DLQ_REPLAY_MAX:-2147483647}",
            description = "Replay at most this many records (env DLQ_REPLAY_MAX).")
    int max;

    @Option(
            names = "--idle-timeout",
            defaultValue = "${env:DLQ_REPLAY_IDLE_TIMEOUT:-PT5S}",
            description =
                    "Stop when no record arrived for this long (ISO-8601, env DLQ_REPLAY_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description = "Any Kafka client property (security.protocol, sasl.*, ssl.*); repeatable.")
    Map<String, String> properties = new HashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> consumerConfig = new HashMap<>(properties);
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A dry run joins no group, so it neither moves nor depends on the replay's progress.
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, dryRun ? "dlq-dry-run-" + UUID.randomUUID() : group);
        int replayed = 0;
        int skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = dryRun ? null : transactionalProducer()) {
            consumer.subscribe(List.of(topic));
            if (producer != null) {
                producer.initTransactions();
            }
            long idleSince = System.nanoTime();
            while (replayed < max && System.nanoTime() - idleSince < idleTimeout.toNanos()) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                idleSince = System.nanoTime();
                List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (replayed + batch.size() >= max) {
                        break;
                    }
                    offsets.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    String target = to != null
                            ? to
                            : DeadLetterHeaders.sourceTopic(record.headers()).orElse(null);
                    if (target == null) {
                        out.printf(
                                "skip  %s-%d@%d: no %s header and no --to%n",
                                record.topic(), record.partition(), record.offset(), DeadLetterHeaders.TOPIC);
                        skipped++;
                        continue;
                    }
                    out.printf(
                            "%s %s-%d@%d -> %s key=%s stage=%s error=%s: %s%n",
                            dryRun ? "would replay" : "replay",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            target,
                            text(record.key()),
                            DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.STAGE),
                            DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.EXCEPTION),
                            DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.MESSAGE));
                    ProducerRecord<byte[], byte[]> copy =
                            new ProducerRecord<>(target, null, record.key(), record.value());
                    copy.headers()
                            .add(
                                    REPLAYED_FROM_HEADER,
                                    (record.topic() + "-" + record.partition() + "@" + record.offset())
                                            .getBytes(StandardCharsets.UTF_8));
                    batch.add(copy);
                }
                if (producer != null) {
                    producer.beginTransaction();
                    batch.forEach(producer::send);
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                }
                replayed += batch.size();
            }
        }
        out.printf(
                "%s %d record(s) from %s%s%n",
                dryRun ? "would replay" : "replayed", replayed, topic, skipped > 0 ? ", skipped " + skipped : "");
        out.flush();
        return 0;
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer() {
        Map<String, Object> config = new HashMap<>(properties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-" + topic);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
