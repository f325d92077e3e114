package io.runflowkafka.console;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.common.trace.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead-lettered records back to the topic they came from (named by their {@code __streams.errors.topic}
 * header, which the processor and the sink both write; see {@link DeadLetterHeaders}). Keys and values are copied
 * byte for byte, and the W3C trace headers with them; the dead-letter headers are not: a copy carries
 * {@link #REPLAYED_FROM_HEADER} instead. Progress is
 * committed for the replay's consumer group in the same transaction as the copies, so an interrupted replay resumes
 * without sending a record twice. A dry run starts where the group stands, so it lists exactly what a replay would
 * send, and moves nothing. Used by {@code runflow-kafka dlq replay} and by the console.
 */
public final class DeadLetterReplay {

    /** The header a replayed copy carries: {@code topic-partition@offset} of its dead letter. */
    public static final String REPLAYED_FROM_HEADER = "runflow.replayed-from";

    /** The consumer group that remembers what was replayed, unless told otherwise. */
    public static final String DEFAULT_GROUP = "runflow-kafka-dlq-replay";

    /**
     * What to replay.
     *
     * @param bootstrapServers the Kafka bootstrap servers
     * @param properties any further Kafka client properties (security, SASL, TLS)
     * @param topic the dead-letter topic to read
     * @param to send every record here instead of the topic its header names; null to follow the header
     * @param dryRun list what would be replayed; send and commit nothing
     * @param group the consumer group that remembers the replay's progress
     * @param max replay at most this many records
     * @param idleTimeout stop when no record arrived for this long
     * @param bound the {@link Result#listed()} of a dry run: replay nothing past what it listed, and refuse when the
     *     group's committed offsets moved since; null to replay up to the topic's end as it is when the run begins
     */
    public record Request(
            String bootstrapServers,
            Map<String, String> properties,
            String topic,
            String to,
            boolean dryRun,
            String group,
            int max,
            Duration idleTimeout,
            Listed bound) {}

    /**
     * What a run covered, per partition: the group's committed offset when it began ({@link #NOT_COMMITTED} for
     * none) and the offset after the last record it went through.
     */
    public record Listed(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> upTo) {

        /** The committed offset of a partition the group never committed. */
        public static final long NOT_COMMITTED = -1L;

        public Listed {
            committed = Map.copyOf(committed);
            upTo = Map.copyOf(upTo);
        }
    }

    /**
     * What a replay did (or a dry run would do).
     *
     * @param replayed records sent (or, in a dry run, that would be)
     * @param skipped records without a source topic and without {@code to}
     * @param listed what the run went through: a dry run's is the bound of the replay it was a dry run of
     */
    public record Result(int replayed, int skipped, Listed listed) {}

    /** A bounded replay refused: the group's committed offsets are not those its dry run started from. */
    public static final class GroupMovedException extends IllegalStateException {
        GroupMovedException(String message) {
            super(message);
        }
    }

    private DeadLetterReplay() {}

    /**
     * Replays (or lists) {@code request.topic()}, reporting one line per record and a summary line to {@code out}.
     *
     * @throws GroupMovedException when the request has a bound and the group's committed offsets are no longer
     *     those the bound's dry run started from: what the replay would send is no longer what was listed
     */
    public static Result run(Request request, Consumer<String> out) {
        Map<String, Object> consumerConfig = new HashMap<>(request.properties());
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, request.bootstrapServers());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, request.group());
        int replayed = 0;
        int skipped = 0;
        Listed listed;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = request.dryRun() ? null : transactionalProducer(request)) {
            // What the topic holds now is what this run replays: a copy that fails again is dead-lettered again,
            // after this snapshot, and waits for the next run instead of looping through this one.
            List<TopicPartition> partitions = consumer.partitionsFor(request.topic(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            Map<TopicPartition, Long> committedAtStart = committed(consumer, partitions);
            Map<TopicPartition, Long> ends;
            if (request.bound() != null) {
                // Only what the dry run listed: anything dead-lettered since waits for the next dry run.
                if (!committedAtStart.equals(request.bound().committed())) {
                    throw new GroupMovedException("the replay group " + request.group() + " moved on " + request.topic()
                            + " since the dry run (another replay ran): run a new dry run");
                }
                ends = request.bound().upTo();
            } else {
                ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            }
            Map<TopicPartition, Long> upTo = new HashMap<>();
            if (producer != null) {
                consumer.subscribe(List.of(request.topic()));
                producer.initTransactions();
            } else {
                // A dry run joins no group (assign, never commit): it neither moves nor waits for the replay's
                // progress, but starts where the group stands, so it lists what a replay would send.
                consumer.assign(partitions);
                for (TopicPartition partition : partitions) {
                    long at = committedAtStart.get(partition);
                    if (at == Listed.NOT_COMMITTED) {
                        consumer.seekToBeginning(List.of(partition));
                    } else {
                        consumer.seek(partition, at);
                    }
                    upTo.put(partition, consumer.position(partition, Duration.ofSeconds(30)));
                }
            }
            long idleSince = System.nanoTime();
            while (replayed < request.max()
                    && System.nanoTime() - idleSince < request.idleTimeout().toNanos()) {
                // Records that arrived after the snapshot are left for the next run, their offsets not committed.
                List<ConsumerRecord<byte[], byte[]>> records = filtered(consumer.poll(Duration.ofMillis(200)), ends);
                if (records.isEmpty()) {
                    if (caughtUp(consumer, partitions, ends)) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (replayed + batch.size() >= request.max()) {
                        break;
                    }
                    offsets.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    String target = request.to() != null
                            ? request.to()
                            : DeadLetterHeaders.sourceTopic(record.headers()).orElse(null);
                    if (target == null) {
                        out.accept(String.format(
                                "skip  %s-%d@%d: no %s header and no --to",
                                record.topic(), record.partition(), record.offset(), DeadLetterHeaders.TOPIC));
                        skipped++;
                        continue;
                    }
                    out.accept(String.format(
                            "%s %s-%d@%d -> %s key=%s stage=%s error=%s: %s",
                            request.dryRun() ? "would replay" : "replay",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            target,
                            text(record.key()),
                            DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.STAGE),
                            DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.EXCEPTION),
                            DeadLetterHeaders.read(record.headers(), DeadLetterHeaders.MESSAGE)));
                    ProducerRecord<byte[], byte[]> copy =
                            new ProducerRecord<>(target, null, record.key(), record.value());
                    // The photo's trace goes on through the replay; the dead letter's own headers stay behind.
                    for (String traceHeader : List.of(Tracing.TRACEPARENT, Tracing.TRACESTATE)) {
                        Header header = record.headers().lastHeader(traceHeader);
                        if (header != null) {
                            copy.headers().add(traceHeader, header.value());
                        }
                    }
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
                offsets.forEach((partition, next) -> upTo.put(partition, next.offset()));
                replayed += batch.size();
            }
            listed = new Listed(committedAtStart, upTo);
        }
        out.accept(String.format(
                "%s %d record(s) from %s%s",
                request.dryRun() ? "would replay" : "replayed",
                replayed,
                request.topic(),
                skipped > 0 ? ", skipped " + skipped : ""));
        return new Result(replayed, skipped, listed);
    }

    /** The group's committed offset of each partition, {@link Listed#NOT_COMMITTED} where it has none. */
    private static Map<TopicPartition, Long> committed(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed =
                consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(30));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata at = committed.get(partition);
            offsets.put(partition, at == null ? Listed.NOT_COMMITTED : at.offset());
        }
        return offsets;
    }

    /** Whether every partition is assigned and its position reached the end it had when the run began. */
    private static boolean caughtUp(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> ends) {
        if (!consumer.assignment().containsAll(partitions)) {
            return false;
        }
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition, Duration.ofSeconds(30)) < ends.getOrDefault(partition, 0L)) {
                return false;
            }
        }
        return true;
    }

    /** The records of {@code records} from before the snapshot. */
    private static List<ConsumerRecord<byte[], byte[]>> filtered(
            Iterable<ConsumerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> ends) {
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.offset() < ends.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                kept.add(record);
            }
        }
        return kept;
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(Request request) {
        Map<String, Object> config = new HashMap<>(request.properties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, request.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, request.group() + "-" + request.topic());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
