package io.runflowkafka.processor.bench;

import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.testkit.InProcessKafkaBroker;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

    private ScoreThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int latencyMs = Integer.parseInt(options.getOrDefault("latency-ms", "200"));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "12"));
        int keys = Integer.parseInt(options.getOrDefault("keys", "4096"));
        int syncUploads = Integer.parseInt(options.getOrDefault("sync-uploads", "100"));
        String heap = options.getOrDefault("heap", "512m");
        List<Integer> caps = ints(options.getOrDefault("max-in-flight", "64,1024"));
        List<Integer> sizes = ints(options.getOrDefault("uploads", "5000,20000"));
        Duration limit = Duration.ofSeconds(Long.parseLong(options.getOrDefault("run-limit-s", "240")));

        Path dir = Path.of("target", "bench", "score-throughput-" + System.currentTimeMillis());
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.start(dir.resolve("kafka"));
             LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start("score-bench", 0);
             RunflowEmulator emulator = RunflowEmulator.builder().httpsPort(0).maxServerThreads(64)
                     .faults(FaultSettings.NONE.withLatency(LatencySpec.fixed(Duration.ofMillis(latencyMs))))
                     .build().start()) {
            Bench bench = new Bench(broker.bootstrapServers(), registry.url(), emulator, dir, partitions, keys,
                    heap, limit);
            System.out.printf(Locale.ROOT, "score-throughput: latency_ms=%d partitions=%d keys=%d heap=%s eos=on%n",
                    latencyMs, partitions, keys, heap);
            Result sync = bench.run("sync", 1, syncUploads);
            List<String> summary = new ArrayList<>();
            for (int i = 0; i < caps.size(); i++) {
                int cap = caps.get(i);
                Result async = bench.run("async", cap, sizes.get(Math.min(i, sizes.size() - 1)));
                double bound = cap * 1000.0 / latencyMs;
                summary.add(String.format(Locale.ROOT,
                        "max_in_flight=%d sync_per_s=%.1f async_per_s=%.1f ratio=%.1f bound_per_s=%.0f efficiency=%.2f p99_ms=%.1f",
                        cap, sync.perSecond, async.perSecond, async.perSecond / sync.perSecond, bound,
                        async.perSecond / Math.min(bound, keys * 1000.0 / latencyMs), async.p99Ms));
            }
            summary.forEach(System.out::println);
        }
    }

    private record Result(double perSecond, double p99Ms) {
    }

    private static final class Bench {
        private final String bootstrap;
        private final String registryUrl;
        private final RunflowEmulator emulator;
        private final Path dir;
        private final int partitions;
        private final int keys;
        private final String heap;
        private final Duration limit;
        private final KafkaTopics topics;
        private int runs;

        Bench(String bootstrap, String registryUrl, RunflowEmulator emulator, Path dir, int partitions, int keys,
                String heap, Duration limit) {
            this.bootstrap = bootstrap;
            this.registryUrl = registryUrl;
            this.emulator = emulator;
            this.dir = dir;
            this.partitions = partitions;
            this.keys = keys;
            this.heap = heap;
            this.limit = limit;
            this.topics = new KafkaTopics(bootstrap);
        }

        Result run(String mode, int maxInFlight, int uploads) throws Exception {
            String id = mode + "-" + maxInFlight + "-" + (++runs);
            String input = "photos.uploaded." + id;
            String accepted = "photos.accepted." + id;
            String retake = "photos.retake." + id;
            String dlq = "photos.uploaded.dlq." + id;
            for (String topic : List.of(input, accepted, retake, dlq)) {
                topics.create(topic, partitions);
            }
            feed(input, uploads);
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("SCHEMA_REGISTRY_URL", registryUrl);
            env.put("HTTP_HOST", "127.0.0.1");
            env.put("HTTP_PORT", "0");
            env.put("TOPICS_CREATE", "false");
            env.put("PROCESSOR_APPLICATION_ID", "score-bench-" + id);
            env.put("PROCESSOR_TOPIC_UPLOADED", input);
            env.put("PROCESSOR_TOPIC_ACCEPTED", accepted);
            env.put("PROCESSOR_TOPIC_RETAKE", retake);
            env.put("PROCESSOR_TOPIC_UPLOADED_DLQ", dlq);
            env.put("PROCESSOR_ORDERS_ENABLED", "false");
            env.put("PROCESSOR_STATE_DIR", dir.resolve("state-" + id).toAbsolutePath().toString());
            env.put("PROCESSOR_MAX_IN_FLIGHT", Integer.toString(maxInFlight));
            env.put("RUNFLOW_BASE_URL", emulator.baseUrl());
            env.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
            Path log = dir.resolve("processor-" + id + ".log");
            ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                    BenchProcessor.class.getName(), mode));
            builder.environment().clear();
            builder.environment().putAll(env);
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            Process processor = builder.start();
            try {
                double[] firstLast = countOutputs(List.of(accepted, retake, dlq), uploads);
                double seconds = (firstLast[1] - firstLast[0]) / 1e9;
                double perSecond = seconds <= 0 ? 0 : (firstLast[2] - 1) / seconds;
                processor.destroy(); // SIGTERM: the processor closes cleanly and prints its call latency
                processor.waitFor(60, TimeUnit.SECONDS);
                double p99 = readP99(log);
                System.out.printf(Locale.ROOT, "run mode=%s max_in_flight=%d uploads=%d routed=%d per_s=%.1f p99_ms=%.1f%n",
                        mode, maxInFlight, uploads, (long) firstLast[2], perSecond, p99);
                return new Result(perSecond, p99);
            } finally {
                processor.destroyForcibly();
            }
        }

        private void feed(String topic, int uploads) {
            Map<String, Object> serde = Map.of("schema.registry.url", registryUrl);
            String good = emulator.sampleUrl("portrait.jpg");
            String dark = emulator.sampleUrl("dark.jpg");
            try (KafkaProducer<String, UploadEvent> producer = new KafkaClients(bootstrap).producer(new StringSerializer(),
                    AvroSerdes.specific(UploadEvent.class, serde, false).serializer())) {
                for (int n = 0; n < uploads; n++) {
                    String order = "order-" + (n % keys);
                    producer.send(new ProducerRecord<>(topic, order, UploadEvent.newBuilder()
                            .setUploadId("upload-" + n).setOrderId(order).setUserId("user-" + order)
                            .setImageUri(n % 5 == 0 ? dark : good).setUploadedAt(Instant.now()).build()));
                }
                producer.flush();
            }
        }

        /** Counts committed outputs until {@code expected}; returns first-record nanos, last-record nanos, count. */
        private double[] countOutputs(List<String> outputs, int expected) {
            Map<String, Object> config = new HashMap<>(new KafkaClients(bootstrap).consumerConfig(null));
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            long deadline = System.nanoTime() + limit.toNanos();
            long first = 0;
            long last = 0;
            long count = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> assigned = new ArrayList<>();
                for (String topic : outputs) {
                    for (int p = 0; p < partitions; p++) {
                        assigned.add(new TopicPartition(topic, p));
                    }
                }
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                while (count < expected && System.nanoTime() < deadline) {
                    int polled = consumer.poll(Duration.ofMillis(100)).count();
                    if (polled > 0) {
                        long now = System.nanoTime();
                        if (count == 0) {
                            first = now;
                        }
                        count += polled;
                        last = now;
                    }
                }
            }
            return new double[] {first, last, count};
        }

        private static double readP99(Path log) throws IOException {
            AtomicReference<Double> p99 = new AtomicReference<>(Double.NaN);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(log),
                    StandardCharsets.UTF_8))) {
                reader.lines().filter(line -> line.startsWith("BENCH calls=")).forEach(line -> p99.set(
                        Double.parseDouble(line.replaceAll(".*p99_ms=([0-9.]+).*", "$1"))));
            }
            return p99.get();
        }
    }

    private static List<Integer> ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
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
