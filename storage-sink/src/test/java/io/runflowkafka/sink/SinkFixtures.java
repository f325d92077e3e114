package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the sink's integration tests share: producing completions, watching the group's offsets, checking the archive. */
public final class SinkFixtures {

    private SinkFixtures() {}

    /** Sends each completion keyed by its headshots id and waits for the broker's acknowledgement. */
    public static void produce(
            Map<String, Object> producerConfig,
            String topic,
            Serializer<HeadshotsCompleted> serializer,
            List<HeadshotsCompleted> events)
            throws Exception {
        try (KafkaProducer<String, HeadshotsCompleted> producer =
                new KafkaProducer<>(producerConfig, new StringSerializer(), serializer)) {
            for (HeadshotsCompleted event : events) {
                producer.send(new ProducerRecord<>(topic, event.getHeadshotsId(), event))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends raw bytes (an undecodable record). */
    static void produceRaw(Map<String, Object> producerConfig, String topic, byte[] key, byte[] value)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Offsets the group has committed on {@code topic}, summed over partitions. */
    public static long committed(String bootstrapServers, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    /** The end offsets of {@code topic}, summed over partitions. */
    public static long end(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            int partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            ListOffsetsResult result = admin.listOffsets(
                    request, new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED));
            return result.all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    /** Waits until the group has committed every record of {@code topic}. */
    public static void awaitAllCommitted(String bootstrapServers, String group, String topic, Duration atMost)
            throws Exception {
        long end = end(bootstrapServers, topic);
        io.runflowkafka.testkit.Waits.await("group " + group + " to commit all " + end + " records of " + topic, atMost)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> committed(bootstrapServers, group, topic) >= end);
    }

    /**
     * Checks an archived event against the archive: its manifest exists and lists exactly its objects, and every
     * object's bytes match its size and SHA-256 and are a JPEG.
     *
     * @param bytesOf reads an object's bytes by key
     */
    static void assertArchived(
            HeadshotsArchived event, HeadshotsCompleted source, int images, Function<String, byte[]> bytesOf)
            throws Exception {
        assertThat(event.getHeadshotsId()).isEqualTo(source.getHeadshotsId());
        assertThat(event.getObjects()).hasSize(images);
        Manifest manifest = Manifest.fromJson(bytesOf.apply(event.getManifestKey()));
        assertThat(manifest.headshotsId()).isEqualTo(source.getHeadshotsId());
        assertThat(manifest.images()).hasSize(images);
        for (int i = 0; i < images; i++) {
            ArchivedObject object = event.getObjects().get(i);
            Manifest.Image listed = manifest.images().get(i);
            assertThat(object.getIndex()).isEqualTo(i + 1);
            assertThat(object.getSourceUrl()).isEqualTo(source.getImageUrls().get(i));
            assertThat(object.getKey())
                    .isEqualTo(String.format("headshots/%s/%03d.jpg", source.getHeadshotsId(), i + 1));
            assertThat(listed.key()).isEqualTo(object.getKey());
            assertThat(listed.sha256()).isEqualTo(object.getSha256());
            assertThat(listed.sourceUrl()).isEqualTo(object.getSourceUrl());
            byte[] stored = bytesOf.apply(object.getKey());
            assertThat(stored).hasSize((int) object.getSizeBytes());
            assertThat(sha256(stored)).isEqualTo(object.getSha256());
            assertThat(object.getContentType()).isEqualTo("image/jpeg");
            assertThat(stored[0] & 0xff).isEqualTo(0xff);
            assertThat(stored[1] & 0xff).isEqualTo(0xd8);
        }
        assertThat(event.getTotalBytes()).isEqualTo(manifest.totalBytes());
    }

    /** Reads a file under {@code root}, failing the test when it cannot. */
    static Function<String, byte[]> filesUnder(Path root) {
        return key -> {
            try {
                return Files.readAllBytes(root.resolve(key));
            } catch (java.io.IOException e) {
                throw new AssertionError("cannot read archived " + key, e);
            }
        };
    }

    /** Names of the files in a job folder. */
    static List<String> filesOf(Path jobFolder) throws Exception {
        try (Stream<Path> files = Files.list(jobFolder)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
