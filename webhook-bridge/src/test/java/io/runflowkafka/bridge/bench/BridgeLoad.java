package io.runflowkafka.bridge.bench;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.bridge.BridgeMetrics.Outcome;
import io.runflowkafka.bridge.WebhookBridge;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.testkit.InProcessKafkaBroker;
import io.runflowkafka.testkit.KafkaClients;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The {@code bridge-load} benchmark (run by {@code bench/bridge-load.sh}, never by the test suite): an in-process
 * Kafka broker and the bridge in this JVM, {@code wrk} on loopback posting valid 60-URL headshots callbacks with
 * distinct headshots ids, then every event on the topic counted against the callbacks the bridge acknowledged.
 * The last line printed is {@code rps=… p50_ms=… p99_ms=… non2xx=… stored=… acked=…}.
 *
 * <p>Options: {@code --duration 20s --warmup 20s --connections 32 --threads 1 --jobs 200}. The warm-up run's callbacks
 * count in {@code stored} and {@code acked} (every callback is checked), not in the request rate or latencies. The
 * warm-up is 20 s because the JIT is still compiling the broker's, Jetty's and the bridge's code (and recompiling
 * after deoptimizations) well past 5 s on 2 cores. {@code KAFKA_*} and {@code BRIDGE_*} variables reach the bridge's
 * configuration, so producer settings can be compared ({@code KAFKA_LINGER_MS=5 KAFKA_BATCH_SIZE=16384}).
 */
public final class BridgeLoad {

    private static final String CALLBACK_SECRET = "bench-callback-secret-0123456789abcdef";
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private BridgeLoad() {}

    /** Runs the benchmark; see the class comment for options. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String duration = options.getOrDefault("duration", "20s");
        String connections = options.getOrDefault("connections", "32");
        String threads = options.getOrDefault("threads", "1");
        int jobs = Integer.parseInt(options.getOrDefault("jobs", "200"));
        String warmup = options.getOrDefault("warmup", "20s");

        Path work = Files.createDirectories(
                Path.of("webhook-bridge", "target", "bench").toAbsolutePath());
        String topic = "headshots.completed";
        try (InProcessKafkaBroker broker =
                InProcessKafkaBroker.start(Files.createDirectories(work.resolve(Unique.name("kafka"))))) {
            Map<String, String> env = new HashMap<>(tuning());
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("SCHEMA_REGISTRY_URL", "mock://" + Unique.name("bridge-load"));
            env.put("HTTP_HOST", "127.0.0.1");
            env.put("HTTP_PORT", "0");
            env.put("TOPICS_PARTITIONS", "6");
            env.put("TOPICS_REPLICATION_FACTOR", "1");
            env.put("BRIDGE_TOPIC_HEADSHOTS_COMPLETED", topic);
            env.put("BRIDGE_CALLBACK_SECRETS", CALLBACK_SECRET);
            env.put("BRIDGE_REQUEST_LOG", "false");
            WebhookBridge bridge = WebhookBridge.start(BridgeConfig.load(Optional.empty(), env));
            String wrkOutput;
            long cpuBefore;
            long finishedBefore;
            Map<String, Long> threadsBefore;
            Map<String, Long> threadsAfter;
            long cpuAfter;
            String loadBefore;
            String loadAfter;
            long[] machineBefore;
            long[] machineAfter;
            try {
                Path script = work.resolve("bridge-load.lua");
                Files.writeString(script, luaScript(jobs), StandardCharsets.UTF_8);
                String url = "http://127.0.0.1:" + bridge.port() + "/";
                if (!warmup.equals("0s")) {
                    // JIT compilation and first-use costs belong to no steady state: a short run first, not reported.
                    run(List.of(
                            "wrk",
                            "-t" + threads,
                            "-c" + connections,
                            "-d" + warmup,
                            "--timeout",
                            "10s",
                            "-s",
                            script.toString(),
                            url,
                            "--",
                            "1"));
                }
                finishedBefore = finished(bridge);
                threadsBefore = cpuByThreadGroup();
                cpuBefore = processCpuNanos();
                loadBefore = loadAverage();
                machineBefore = machineCpuTicks();
                wrkOutput = run(List.of(
                        "wrk",
                        "-t" + threads,
                        "-c" + connections,
                        "-d" + duration,
                        "--timeout",
                        "10s",
                        "--latency",
                        "-s",
                        script.toString(),
                        url,
                        "--",
                        "2"));
                System.out.println(wrkOutput);
                // wrk stops mid-request; let the bridge finish (and count) what it already handed to Kafka.
                Waits.await("the bridge to answer every callback in flight", Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> settled(bridge));
                cpuAfter = processCpuNanos();
                threadsAfter = cpuByThreadGroup();
                machineAfter = machineCpuTicks();
                loadAfter = loadAverage();
            } finally {
                bridge.close();
            }
            long acked = bridge.metrics().count("headshots", Outcome.STORED);
            Set<String> keys = new HashSet<>();
            long records = readKeys(new KafkaClients(broker.bootstrapServers()), topic, keys);

            double rps = number(RPS, wrkOutput);
            Matcher errors = SOCKET_ERRORS.matcher(wrkOutput);
            String socketErrors = errors.find()
                    ? String.format(
                            "connect=%s,read=%s,write=%s,timeout=%s",
                            errors.group(1), errors.group(2), errors.group(3), errors.group(4))
                    : "none";
            long finished = finished(bridge) - finishedBefore;
            System.out.printf(
                    Locale.ROOT,
                    "wrk_requests=%d records=%d distinct_keys=%d unavailable=%d socket_errors=%s"
                            + " jvm_cpu_us_per_request=%.0f (bridge and broker together, wrk excluded)%n",
                    (long) number(TOTAL, wrkOutput),
                    records,
                    keys.size(),
                    bridge.metrics().count("headshots", Outcome.UNAVAILABLE),
                    socketErrors,
                    finished == 0 ? Double.NaN : (cpuAfter - cpuBefore) / 1_000.0 / finished);
            StringBuilder split = new StringBuilder("cpu_us_per_request_by_thread_group:");
            for (Map.Entry<String, Long> group : new TreeMap<>(threadsAfter).entrySet()) {
                long spent = group.getValue() - threadsBefore.getOrDefault(group.getKey(), 0L);
                split.append(String.format(
                        Locale.ROOT,
                        " %s=%.0f",
                        group.getKey(),
                        finished == 0 ? Double.NaN : spent / 1_000.0 / finished));
            }
            System.out.println(split + " (JIT and GC threads are not visible here)");
            long machineTotal = machineAfter[0] - machineBefore[0];
            System.out.printf(
                    Locale.ROOT,
                    "load_average_before=%s load_average_after=%s machine_busy=%.0f%%"
                            + " (all processes, other users' included) tuning=%s%n",
                    loadBefore,
                    loadAfter,
                    machineTotal <= 0
                            ? Double.NaN
                            : 100.0 * (machineTotal - (machineAfter[1] - machineBefore[1])) / machineTotal,
                    new TreeMap<>(tuning()).keySet());
            System.out.printf(
                    Locale.ROOT,
                    "rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d stored=%d acked=%d%n",
                    rps,
                    percentileMillis(wrkOutput, "50%"),
                    percentileMillis(wrkOutput, "99%"),
                    (long) number(NON_2XX, wrkOutput),
                    keys.size(),
                    acked);
        }
    }

    /**
     * Reads every committed record of the topic up to its last stable offsets and collects the keys; values are not
     * kept (a run at 8,000 callbacks/s leaves over 1 GB of them, more than the test kit's reader can hold and read
     * within its 30 s bound).
     *
     * @return how many records were read
     */
    private static long readKeys(KafkaClients clients, String topic, Set<String> keys) {
        Deserializer<Void> skipValue = (ignoredTopic, data) -> null;
        long records = 0;
        try (KafkaConsumer<String, Void> consumer = clients.consumer(
                null,
                new StringDeserializer(),
                skipValue,
                Map.of(
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5_000))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end + " within 5 minutes");
                }
                for (ConsumerRecord<String, Void> record : consumer.poll(Duration.ofMillis(100))) {
                    keys.add(record.key());
                    records++;
                }
            }
        }
        return records;
    }

    /** CPU time of live threads by role: Jetty request threads, the producer's I/O thread, the broker, the rest. */
    private static Map<String, Long> cpuByThreadGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            String name = info.getThreadName();
            String group = name.startsWith("bridge-http")
                    ? "jetty_and_bridge"
                    : name.startsWith("kafka-producer-network-thread")
                            ? "producer_io"
                            : name.startsWith("kafka-admin") || name.startsWith("bridge-kafka-readiness")
                                    ? "admin"
                                    : name.startsWith("main") ? "main" : "broker_and_other";
            groups.merge(group, cpu, Long::sum);
        }
        return groups;
    }

    /**
     * Bridge and producer settings to try, taken from this process's {@code KAFKA_*} and {@code BRIDGE_*} variables
     * (e.g. {@code KAFKA_LINGER_MS=10}); the benchmark's own settings (broker, secrets, topic) still win.
     */
    private static Map<String, String> tuning() {
        Map<String, String> tuning = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if ((name.startsWith("KAFKA_") || name.startsWith("BRIDGE_")) && !name.startsWith("BRIDGE_LOAD_")) {
                tuning.put(name, value);
            }
        });
        return tuning;
    }

    /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} shows them ({@code ?} elsewhere). */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + "/" + parts[1] + "/" + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** All CPU ticks and the idle ones (idle + iowait) of the machine from {@code /proc/stat}; zeros elsewhere. */
    private static long[] machineCpuTicks() {
        try {
            String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** True once two scrapes a moment apart show the same number of finished requests. */
    private static boolean settled(WebhookBridge bridge) {
        long before = finished(bridge);
        Waits.await("a quiet moment", Duration.ofSeconds(2))
                .pollDelay(Duration.ofMillis(500))
                .until(() -> true);
        return finished(bridge) == before;
    }

    private static long finished(WebhookBridge bridge) {
        long total = 0;
        for (Outcome outcome : Outcome.values()) {
            total += bridge.metrics().count("headshots", outcome);
        }
        return total;
    }

    /** A wrk script posting valid callbacks, each with its own headshots id, over {@code jobs} job references. */
    static String luaScript(int jobs) {
        CallbackTokens tokens = CallbackTokens.of(CALLBACK_SECRET);
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < jobs; i++) {
            String url = tokens.callbackUrl("http://x", "headshots", "bench-job-" + i);
            paths.append("  \"").append(url.substring("http://x".length())).append("\",\n");
        }
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            urls.add(String.format(Locale.ROOT, "\\\"https://cdn.runflow.io/headshots/%%s/out_%03d.jpg\\\"", i));
        }
        String template =
                "{\\\"event\\\":\\\"headshots.completed\\\",\\\"headshots_id\\\":\\\"%s\\\",\\\"image_urls\\\":["
                        + String.join(",", urls) + "]}";
        return """
                -- Generated by io.runflowkafka.bridge.bench.BridgeLoad: valid, distinct headshots callbacks.
                local paths = {
                %s}
                local template = "%s"
                local headers = { ["Content-Type"] = "application/json" }
                local counter = 0
                local next_thread = 0
                local run = 0

                function setup(thread)
                  thread:set("tid", next_thread)
                  next_thread = next_thread + 1
                end

                function init(args)
                  -- Each wrk run passes its own number, so ids never repeat across the warm-up and the measured run.
                  run = tonumber(args[1]) or 0
                end

                function request()
                  counter = counter + 1
                  local id = string.format("%%04x%%04x-0000-4000-8000-%%012x", run, tid, counter)
                  local body = string.format(template, id%s)
                  return wrk.format("POST", paths[(counter %% #paths) + 1], headers, body)
                end
                """.formatted(paths, template, ", id".repeat(60));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static double number(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** A percentile of wrk's latency distribution ({@code 99%   12.34ms}) in milliseconds. */
    static double percentileMillis(String wrkOutput, String percentile) {
        Matcher matcher = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([\\d.]+)(us|ms|s)")
                .matcher(wrkOutput);
        if (!matcher.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(matcher.group(1));
        return switch (matcher.group(2)) {
            case "us" -> value / 1_000;
            case "s" -> value * 1_000;
            default -> value;
        };
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }
}
