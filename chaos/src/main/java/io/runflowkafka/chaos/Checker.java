package io.runflowkafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The independent checker: it shares no code path with the services. It reads the topics with its own plain
 * consumers ({@code read_committed}, from the start, bytes only), decodes the Confluent wire format itself
 * (skip the magic byte and the 4-byte schema id, read Avro with a generic reader and the writer schema fetched
 * from the registry's REST API), and reads the archive's files. Nothing else.
 */
final class Checker {

    private final String bootstrap;
    private final String registryUrl;
    private final Path archiveDir;
    private final ChaosTopics topics;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    Checker(String bootstrap, String registryUrl, Path archiveDir, ChaosTopics topics) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.archiveDir = archiveDir;
        this.topics = topics;
    }

    /** What the topics hold right now (committed records only). */
    Snapshot snapshot() {
        Snapshot s = new Snapshot();
        // Input: the truth of what was uploaded, in per-order (= per-partition) order.
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.uploaded())) {
            String id = uploadId(r.value());
            if (id == null) {
                id = "unreadable-input@" + r.partition() + ":" + r.offset();
            }
            s.inputs.add(id);
            s.where.computeIfAbsent(id, k -> new ArrayList<>()).add(locate(r));
            s.inputOrder.computeIfAbsent(key(r), k -> new ArrayList<>()).add(id);
            s.orderOf.put(id, key(r));
        }
        for (String topic : List.of(topics.accepted(), topics.retake())) {
            for (ConsumerRecord<byte[], byte[]> r : readAll(topic)) {
                GenericRecord scored = decode(r.value());
                String id = scored.get("upload_id").toString();
                s.routed.merge(id, 1, Integer::sum);
                s.where.computeIfAbsent(id, k -> new ArrayList<>()).add(locate(r));
                s.scoredIds.add(id);
                s.outputOrder
                        .computeIfAbsent(topic + "|" + key(r), k -> new ArrayList<>())
                        .add(id);
                if (topic.equals(topics.accepted())) {
                    s.ordersWithAccepted.add(key(r));
                    s.accepted++;
                } else {
                    s.retake++;
                }
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.uploadedDlq())) {
            String id = uploadId(r.value());
            if (id == null) {
                // Not an upload at all: something other than the quality gate wrote to the uploads' DLQ.
                s.foreignDeadLetters.add(describe(r));
                continue;
            }
            s.routed.merge(id, 1, Integer::sum);
            s.where.computeIfAbsent(id, k -> new ArrayList<>()).add(locate(r));
            s.dlqStage.put(id, String.valueOf(header(r, "runflow.errors.stage")));
            s.dlq++;
            // Undecodable records are dead-lettered by the deserializer, before the ordered stage: only the
            // scoring stage's dead letters take part in the order check.
            if (!"deserialize".equals(header(r, "runflow.errors.stage"))) {
                s.outputOrder
                        .computeIfAbsent(topics.uploadedDlq() + "|" + key(r), k -> new ArrayList<>())
                        .add(id);
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.jobs())) {
            GenericRecord job = decode(r.value());
            s.jobsPerOrder.merge(job.get("order_id").toString(), 1, Integer::sum);
            s.jobHeadshotsIds.add(job.get("headshots_id").toString());
            s.jobRefs.add(job.get("job_ref").toString());
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.jobsDlq())) {
            s.jobsDlqOrders.add(key(r));
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.completed())) {
            GenericRecord completed = decode(r.value());
            String id = completed.get("headshots_id").toString();
            s.completed.put(id, ((List<?>) completed.get("image_urls")).size());
            s.completedJobRef.put(id, completed.get("job_ref").toString());
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.completedDlq())) {
            s.completedDlq.add(key(r));
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(topics.archived())) {
            GenericRecord archived = decode(r.value());
            String id = archived.get("headshots_id").toString();
            s.archived.merge(id, 1, Integer::sum);
            s.archivedEvents.putIfAbsent(id, archived);
        }
        return s;
    }

    /** Checks every archived job's manifest and files; returns one line per problem. */
    List<String> checkArchive(Snapshot s) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, GenericRecord> entry : s.archivedEvents.entrySet()) {
            String id = entry.getKey();
            GenericRecord event = entry.getValue();
            Path manifestFile = archiveDir.resolve(event.get("manifest_key").toString());
            try {
                JsonNode manifest = json.readTree(Files.readAllBytes(manifestFile));
                JsonNode images = manifest.path("images");
                Integer expected = s.completed.get(id);
                if (expected == null || images.size() != expected) {
                    problems.add(id + ": manifest lists " + images.size() + " images, the completion had " + expected);
                }
                List<?> objects = (List<?>) event.get("objects");
                if (objects.size() != images.size()) {
                    problems.add(
                            id + ": HeadshotsArchived has " + objects.size() + " objects, manifest " + images.size());
                }
                Map<String, String> eventSha = new HashMap<>();
                for (Object o : objects) {
                    GenericRecord object = (GenericRecord) o;
                    eventSha.put(
                            object.get("key").toString(), object.get("sha256").toString());
                }
                for (JsonNode image : images) {
                    String key = image.path("key").asText();
                    String want = image.path("sha256").asText();
                    Path file = archiveDir.resolve(key);
                    if (!Files.isRegularFile(file)) {
                        problems.add(id + ": " + key + " missing");
                    } else if (!want.equals(sha256(file))) {
                        problems.add(id + ": " + key + " SHA-256 differs from the manifest");
                    } else if (!want.equals(eventSha.get(key))) {
                        problems.add(id + ": " + key + " SHA-256 differs between manifest and HeadshotsArchived");
                    }
                }
            } catch (IOException e) {
                problems.add(id + ": manifest " + manifestFile + " unreadable: " + e);
            }
        }
        return problems;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "chaos-checker-" + UUID.randomUUID(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return records;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 120 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        // Per partition in offset order: poll returns them so already; keep that order.
        return records;
    }

    /** The upload id of an UploadEvent or of the feeder's undecodable bytes; null for anything else. */
    private String uploadId(byte[] value) {
        if (value != null && value.length > 5 && value[0] == 0) {
            try {
                GenericRecord record = decode(value);
                Object id = record.getSchema().getField("upload_id") == null ? null : record.get("upload_id");
                return record.getSchema().getName().equals("UploadEvent") && id != null ? id.toString() : null;
            } catch (RuntimeException e) {
                return null;
            }
        }
        String text = value == null ? "" : new String(value, StandardCharsets.UTF_8);
        if (text.startsWith(Feeder.UNDECODABLE_PREFIX)) {
            return text.substring(Feeder.UNDECODABLE_PREFIX.length());
        }
        return null;
    }

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder headers = new StringBuilder();
        for (Header h : r.headers()) {
            if (h.key().startsWith("__streams.errors.exception")
                    || h.key().startsWith("__streams.errors.message")
                    || h.key().startsWith("runflow.errors.stage")
                    || h.key().equals("__streams.errors.topic")) {
                String v = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
                headers.append(' ')
                        .append(h.key())
                        .append('=')
                        .append(v.length() > 200 ? v.substring(0, 200) + "…" : v);
            }
        }
        return r.topic() + "-" + r.partition() + "@" + r.offset() + " key=" + key(r) + headers;
    }

    /** Where a record sits and when it was written: enough to find it in the brokers' and services' logs. */
    private static String locate(ConsumerRecord<byte[], byte[]> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset() + " " + Instant.ofEpochMilli(r.timestamp());
    }

    /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
    private GenericRecord decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        if (buffer.get() != 0) {
            throw new IllegalStateException("not the Confluent wire format");
        }
        int id = buffer.getInt();
        Schema schema = schemas.computeIfAbsent(id, this::fetchSchema);
        try {
            return new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        } catch (IOException e) {
            throw new IllegalStateException("cannot decode a record of schema " + id, e);
        }
    }

    private Schema fetchSchema(int id) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " for schema " + id);
            }
            return new Schema.Parser()
                    .parse(json.readTree(response.body()).path("schema").asText());
        } catch (IOException e) {
            throw new IllegalStateException("cannot fetch schema " + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header header = r.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
