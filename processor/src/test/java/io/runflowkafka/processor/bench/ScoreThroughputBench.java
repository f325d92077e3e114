package io.runflowkafka.processor.bench;

import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.testkit.KafkaClients;
import io.runflowkafka.testkit.KafkaTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code score-throughput}: the quality gate's uploads/s against the emulator with a fixed added latency,
 * the naive blocking design against the asynchronous one, each processor in its own JVM. Prints one line
 * per run and a summary line. Bounded: every run stops after its uploads or its time limit.
 *
 * <p>Throughput is measured from the first output record to the last (start-up excluded); p99 is the
 * Runflow call latency seen by the processor (HTTP client queueing included).
 */
public final class ScoreThroughputBench {

    private ScoreThroughputBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int latencyMs = Integer.parseInt(options.getOrDefault("latency-ms", "200"));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "12"));
        int keys = Integer.parseInt(options.getOrDefault("keys", "4096"));
        int syncUploads = Integer.parseInt(options.getOrDefault("sync-uploads", "100"));
        String heap = options.getOrDefault("heap", "256m");
        List<Integer> caps = ints(options.getOrDefault("max-in-flight", "64,1024"));
        List<Integer> sizes = ints(options.getOrDefault("uploads", "6000,60000"));
        Duration limit = Duration.ofSeconds(Long.parseLong(options.getOrDefault("run-limit-s", "240")));
        Map<String, Map<String, String>> variants = variants(options.getOrDefault("variants", ""));

        Path dir = Path.of("target", "bench", "score-throughput-" + System.currentTimeMillis())
                .toAbsolutePath();
        Files.createDirectories(dir);
        try (ChildJvm broker = ChildJvm.start(
                        dir.resolve("broker.log"),
                        "1g",
                        BenchService.class,
                        Map.of(),
                        "broker",
                        dir.resolve("kafka").toString());
                ChildJvm emulator = ChildJvm.start(
                        dir.resolve("emulator.log"),
                        "1g",
                        BenchService.class,
                        Map.of(),
                        "emulator",
                        Integer.toString(latencyMs));
                LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start("score-bench", 0)) {
            Map<String, String> brokerReady = broker.awaitReady(Duration.ofSeconds(60));
            Map<String, String> emulatorReady = emulator.awaitReady(Duration.ofSeconds(60));
            Bench bench = new Bench(
                    brokerReady.get("bootstrap"),
                    registry.url(),
                    emulatorReady,
                    broker,
                    emulator,
                    dir,
                    partitions,
                    keys,
                    heap,
                    limit);
            System.out.printf(
                    Locale.ROOT,
                    "score-throughput: latency_ms=%d partitions=%d keys=%d heap=%s eos=on cores=%d%n",
                    latencyMs,
                    partitions,
                    keys,
                    heap,
                    Runtime.getRuntime().availableProcessors());
            // The emulator's code compiled before anything is timed: every run after meets the same emulator.
            int warmup = Integer.parseInt(options.getOrDefault("warmup-calls", "20000"));
            if (warmup > 0) {
                System.out.print("warm-up: ");
                bench.http(caps.stream().max(Integer::compare).orElseThrow(), warmup);
            }
            Result sync = bench.run("sync", 1, syncUploads, Map.of());
            List<String> summary = new ArrayList<>();
            for (int i = 0; i < caps.size(); i++) {
                int cap = caps.get(i);
                int uploads = sizes.get(Math.min(i, sizes.size() - 1));
                Http http = bench.http(cap, uploads);
                for (Map.Entry<String, Map<String, String>> variant : variants.entrySet()) {
                    Result async = bench.run("async", cap, uploads, variant.getValue());
                    double bound = cap * 1000.0 / latencyMs;
                    summary.add(String.format(
                            Locale.ROOT,
                            "max_in_flight=%d%s sync_per_s=%.1f async_per_s=%.1f ratio=%.1f bound_per_s=%.0f efficiency=%.2f"
                                    + " http_bound_per_s=%.1f efficiency_vs_http=%.2f p99_ms=%.1f http_p99_ms=%.1f"
                                    + " cpu_ms_per_upload processor=%.3f emulator=%.3f broker=%.3f http_client=%.3f http_emulator=%.3f",
                            cap,
                            variant.getKey().isEmpty() ? "" : " variant=" + variant.getKey(),
                            sync.perSecond,
                            async.perSecond,
                            async.perSecond / sync.perSecond,
                            bound,
                            async.perSecond / Math.min(bound, keys * 1000.0 / latencyMs),
                            http.perSecond,
                            async.perSecond / http.perSecond,
                            async.p99Ms,
                            http.p99Ms,
                            async.processorCpuMs,
                            async.emulatorCpuMs,
                            async.brokerCpuMs,
                            http.clientCpuMs,
                            http.emulatorCpuMs));
                }
            }
            summary.forEach(System.out::println);
        }
    }

    /** One run through Kafka; CPU is per routed record, over the window from the first routed record to the last. */
    private record Result(
            double perSecond, double p99Ms, double processorCpuMs, double emulatorCpuMs, double brokerCpuMs) {}

    /** The plain HTTP pass: the same client and scorer, the same concurrency, no Kafka. */
    private record Http(double perSecond, double p99Ms, double clientCpuMs, double emulatorCpuMs) {}

    private static final class Bench {
        private final String bootstrap;
        private final String registryUrl;
        private final Map<String, String> emulator;
        private final ChildJvm brokerJvm;
        private final ChildJvm emulatorJvm;
        private final Path dir;
        private final int partitions;
        private final int keys;
        private final String heap;
        private final Duration limit;
        private final KafkaTopics topics;
        private static final Duration SETTLE = Duration.ofSeconds(2);
        private int runs;

        Bench(
                String bootstrap,
                String registryUrl,
                Map<String, String> emulator,
                ChildJvm brokerJvm,
                ChildJvm emulatorJvm,
                Path dir,
                int partitions,
                int keys,
                String heap,
                Duration limit) {
            this.bootstrap = bootstrap;
            this.registryUrl = registryUrl;
            this.emulator = emulator;
            this.brokerJvm = brokerJvm;
            this.emulatorJvm = emulatorJvm;
            this.dir = dir;
            this.partitions = partitions;
            this.keys = keys;
            this.heap = heap;
            this.limit = limit;
            this.topics = new KafkaTopics(bootstrap);
        }

        Result run(String mode, int maxInFlight, int uploads, Map<String, String> variant) throws Exception {
            String id = mode + "-" + maxInFlight + "-" + (++runs);
            String input = "photos.uploaded." + id;
            String accepted = "photos.accepted." + id;
            String retake = "photos.retake." + id;
            String dlq = "photos.uploaded.dlq." + id;
            for (String topic : List.of(input, accepted, retake, dlq)) {
                topics.create(topic, partitions);
            }
            feed(input, uploads);
            Map<String, String> env = processorEnv(id, maxInFlight);
            env.putAll(variant);
            env.put("PROCESSOR_TOPIC_UPLOADED", input);
            env.put("PROCESSOR_TOPIC_ACCEPTED", accepted);
            env.put("PROCESSOR_TOPIC_RETAKE", retake);
            env.put("PROCESSOR_TOPIC_UPLOADED_DLQ", dlq);
            Path log = dir.resolve("processor-" + id + ".log");
            try (ChildJvm processor = ChildJvm.start(log, heap, BenchProcessor.class, env, mode)) {
                Window window = countOutputs(List.of(accepted, retake, dlq), uploads, processor);
                processor.stop(); // SIGTERM: the processor closes cleanly and prints its call latency
                double p99 = readP99(log);
                System.out.printf(
                        Locale.ROOT,
                        "run mode=%s" + (variant.isEmpty() ? "" : " variant=" + variant)
                                + " max_in_flight=%d uploads=%d routed=%d duplicated=%d producer_retries=%d per_s=%.1f"
                                + " whole_run_per_s=%.1f p99_ms=%.1f"
                                + " cpu_ms_per_upload processor=%.3f emulator=%.3f broker=%.3f%n",
                        mode,
                        maxInFlight,
                        uploads,
                        window.count,
                        window.duplicates,
                        producerRetries(log),
                        window.perSecond(),
                        window.wholeRunPerSecond(),
                        p99,
                        window.cpuMsPerRecord(0),
                        window.cpuMsPerRecord(1),
                        window.cpuMsPerRecord(2));
                return new Result(
                        window.perSecond(),
                        p99,
                        window.cpuMsPerRecord(0),
                        window.cpuMsPerRecord(1),
                        window.cpuMsPerRecord(2));
            }
        }

        Http http(int maxInFlight, int calls) throws Exception {
            String id = "http-" + maxInFlight + "-" + (++runs);
            Path log = dir.resolve("processor-" + id + ".log");
            long emulatorBefore = emulatorJvm.cpuNanos();
            try (ChildJvm client = ChildJvm.start(
                    log,
                    heap,
                    BenchProcessor.class,
                    processorEnv(id, maxInFlight),
                    "http",
                    Integer.toString(calls),
                    emulator.get("good"),
                    emulator.get("dark"))) {
                if (!client.waitFor(limit)) {
                    throw new IllegalStateException("the HTTP pass did not finish within " + limit + "; see " + log);
                }
            }
            double emulatorCpuMs = (emulatorJvm.cpuNanos() - emulatorBefore) / 1e6 / calls;
            String line = Files.readAllLines(log).stream()
                    .filter(l -> l.startsWith("BENCH http "))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the HTTP pass printed no result; see " + log));
            Map<String, String> fields = ChildJvm.fields(line);
            Http http = new Http(
                    Double.parseDouble(fields.get("per_s")),
                    Double.parseDouble(fields.get("p99_ms")),
                    Double.parseDouble(fields.get("cpu_ms_per_call")),
                    emulatorCpuMs);
            System.out.printf(
                    Locale.ROOT,
                    "run mode=http max_in_flight=%d calls=%d failed=%s per_s=%.1f p99_ms=%.1f"
                            + " cpu_ms_per_call client=%.3f emulator=%.3f%n",
                    maxInFlight,
                    calls,
                    fields.get("failed"),
                    http.perSecond,
                    http.p99Ms,
                    http.clientCpuMs,
                    http.emulatorCpuMs);
            return http;
        }

        private Map<String, String> processorEnv(String id, int maxInFlight) {
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("SCHEMA_REGISTRY_URL", registryUrl);
            env.put("HTTP_HOST", "127.0.0.1");
            env.put("HTTP_PORT", "0");
            env.put("TOPICS_CREATE", "false");
            env.put("PROCESSOR_APPLICATION_ID", "score-bench-" + id);
            env.put("PROCESSOR_ORDERS_ENABLED", "false");
            env.put("PROCESSOR_STATE_DIR", dir.resolve("state-" + id).toString());
            env.put("PROCESSOR_MAX_IN_FLIGHT", Integer.toString(maxInFlight));
            env.put("RUNFLOW_BASE_URL", emulator.get("base"));
            env.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
            return env;
        }

        private void feed(String topic, int uploads) {
            Map<String, Object> serde = Map.of("schema.registry.url", registryUrl);
            String good = emulator.get("good");
            String dark = emulator.get("dark");
            try (KafkaProducer<String, UploadEvent> producer = new KafkaClients(bootstrap)
                    .producer(
                            new StringSerializer(),
                            AvroSerdes.specific(UploadEvent.class, serde, false).serializer())) {
                for (int n = 0; n < uploads; n++) {
                    String order = "order-" + (n % keys);
                    producer.send(new ProducerRecord<>(
                            topic,
                            order,
                            UploadEvent.newBuilder()
                                    .setUploadId("upload-" + n)
                                    .setOrderId(order)
                                    .setUserId("user-" + order)
                                    .setImageUri(n % 5 == 0 ? dark : good)
                                    .setUploadedAt(Instant.now())
                                    .build()));
                }
                producer.flush();
            }
        }

        /**
         * Counts committed outputs until {@code expected}, reading the three JVMs' CPU at the first and last record,
         * then reads on for {@link #SETTLE}; counts distinct upload ids and the records that repeat one.
         */
        private Window countOutputs(List<String> outputs, int expected, ChildJvm processor) {
            Map<String, Object> config = new HashMap<>(new KafkaClients(bootstrap).consumerConfig(null));
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            long deadline = System.nanoTime() + limit.toNanos();
            long first = 0;
            long last = 0;
            long count = 0;
            long firstCount = 0;
            long firstAny = 0;
            long[] firstCpu = new long[3];
            long[] lastCpu = new long[3];
            Set<String> uploadIds = new HashSet<>();
            long duplicates = 0;
            Map<String, Object> serde = Map.of("schema.registry.url", registryUrl);
            try (Deserializer<ScoredUpload> scored = AvroSerdes.specific(ScoredUpload.class, serde, false)
                            .deserializer();
                    Deserializer<UploadEvent> deadLetters =
                            AvroSerdes.specific(UploadEvent.class, serde, false).deserializer();
                    KafkaConsumer<byte[], byte[]> consumer =
                            new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> assigned = new ArrayList<>();
                for (String topic : outputs) {
                    for (int p = 0; p < partitions; p++) {
                        assigned.add(new TopicPartition(topic, p));
                    }
                }
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                long settleUntil = Long.MAX_VALUE;
                while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        String uploadId = record.topic().equals(outputs.get(outputs.size() - 1))
                                ? deadLetters
                                        .deserialize(record.topic(), record.value())
                                        .getUploadId()
                                : scored.deserialize(record.topic(), record.value())
                                        .getUploadId();
                        if (!uploadIds.add(uploadId)) {
                            duplicates++;
                        }
                    }
                    int polled = records.count();
                    if (count >= expected) {
                        continue; // settling: anything more is a duplicate
                    }
                    if (polled > 0) {
                        long now = System.nanoTime();
                        long[] cpu = {processor.cpuNanos(), emulatorJvm.cpuNanos(), brokerJvm.cpuNanos()};
                        if (count == 0) {
                            firstAny = now;
                        }
                        count += polled;
                        if (first == 0 && count >= expected / 3) {
                            // The window starts a third of the way in: the processor's JIT has compiled its code.
                            first = now;
                            firstCpu = cpu;
                            firstCount = count;
                        }
                        last = now;
                        lastCpu = cpu;
                        if (count >= expected) {
                            settleUntil = System.nanoTime() + SETTLE.toNanos();
                        }
                    }
                }
            }
            long[] cpu = new long[3];
            for (int i = 0; i < 3; i++) {
                cpu[i] = lastCpu[i] - firstCpu[i];
            }
            return new Window(
                    first,
                    last,
                    uploadIds.size(),
                    duplicates,
                    count - firstCount,
                    cpu,
                    (last - firstAny) <= 0 ? 0 : count / ((last - firstAny) / 1e9));
        }

        /** Produce requests the processor's producers retried (CONCURRENT_TRANSACTIONS, OUT_OF_ORDER_SEQUENCE_NUMBER, …). */
        private static long producerRetries(Path log) throws IOException {
            try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                return lines.filter(line -> line.contains("Got error produce response") && line.contains("retrying"))
                        .count();
            }
        }

        private static double readP99(Path log) throws IOException {
            AtomicReference<Double> p99 = new AtomicReference<>(Double.NaN);
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
                reader.lines()
                        .filter(line -> line.startsWith("BENCH calls="))
                        .forEach(line -> p99.set(Double.parseDouble(line.replaceAll(".*p99_ms=([0-9.]+).*", "$1"))));
            }
            return p99.get();
        }
    }

    /**
     * The records routed between the poll that passed a third of them and the last poll; CPU nanos of each JVM over
     * that window (the first third warms the processor's JIT, as the HTTP pass's first third warms its own).
     */
    private record Window(
            long firstNanos,
            long lastNanos,
            long count,
            long duplicates,
            long countAfterFirst,
            long[] cpuNanos,
            double wholeRunPerSecond) {
        double perSecond() {
            double seconds = (lastNanos - firstNanos) / 1e9;
            return seconds <= 0 ? 0 : countAfterFirst / seconds;
        }

        double cpuMsPerRecord(int jvm) {
            return countAfterFirst == 0 ? Double.NaN : cpuNanos[jvm] / 1e6 / countAfterFirst;
        }
    }

    /**
     * {@code --variants "base;threads2:PROCESSOR_STREAM_THREADS=2"}: processor runs at each max-in-flight, each with
     * its environment on top of the bench's, after one shared HTTP pass (empty: one run, as shipped).
     */
    private static Map<String, Map<String, String>> variants(String spec) {
        Map<String, Map<String, String>> variants = new java.util.LinkedHashMap<>();
        if (spec.isBlank()) {
            variants.put("", Map.of());
            return variants;
        }
        for (String variant : spec.split(";")) {
            String[] nameAndEnv = variant.trim().split(":", 2);
            Map<String, String> env = new HashMap<>();
            if (nameAndEnv.length == 2) {
                for (String pair : nameAndEnv[1].split(",")) {
                    String[] kv = pair.split("=", 2);
                    env.put(kv[0].trim(), kv[1].trim());
                }
            }
            variants.put(nameAndEnv[0].trim(), env);
        }
        return variants;
    }

    private static List<Integer> ints(String csv) {
        return java.util.Arrays.stream(csv.split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
