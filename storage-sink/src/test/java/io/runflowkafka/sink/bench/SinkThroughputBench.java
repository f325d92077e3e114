package io.runflowkafka.sink.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.kafka.Topics;
import io.runflowkafka.sink.EventArchiver;
import io.runflowkafka.sink.Outcome;
import io.runflowkafka.sink.SinkMetrics;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.sink.fetch.ImageFetcher;
import io.runflowkafka.sink.fetch.TlsTrust;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.UrlPolicy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.sink.EmulatedRunflow;
import io.runflowkafka.sink.SinkFixtures;
import io.runflowkafka.sink.SinkKeys;
import io.runflowkafka.sink.StorageSink;
import io.runflowkafka.testkit.InProcessKafkaBroker;
import io.runflowkafka.testkit.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * sink-throughput: archives {@code --jobs} Generate Headshots jobs of 60 images (~180 KB JPEGs served by the
 * Runflow emulator over HTTPS) through the whole sink (in-process broker, transactions, filesystem archive;
 * timed from the sink getting its partitions, the events already in Kafka, to its last offset committed), and
 * times a plain concurrent download of the same URLs at the same concurrency with nothing else (the bound). Everything runs in this JVM on loopback. The last line printed is
 * {@code images_per_s=… mb_per_s=… bound_mb_per_s=… efficiency=…} (MB = 10^6 bytes).
 *
 * <p>Not a test: {@code bench/sink-throughput.sh} builds and runs it.
 */
public final class SinkThroughputBench {

    /** Thread CPU times taken just before the plain download's threads end (diagnostics only). */
    private static Map<String, Long> lastPlainThreads = Map.of();

    private SinkThroughputBench() {
    }

    /**
     * Options: {@code --jobs 50 --concurrency 16 --per-event 8 --in-flight 8 --rounds 3 --warmup-rounds 2 --fsync true
     * --mode service};
     * {@code --mode core} drives {@link EventArchiver} directly, without Kafka.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int jobs = Integer.parseInt(options.getOrDefault("jobs", "50"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        int perEvent = Integer.parseInt(options.getOrDefault("per-event", "8"));
        int inFlight = Integer.parseInt(options.getOrDefault("in-flight", "8"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        boolean fsync = Boolean.parseBoolean(options.getOrDefault("fsync", "true"));
        String mode = options.getOrDefault("mode", "service");
        if (!List.of("service", "core", "fetch").contains(mode)) {
            throw new IllegalArgumentException("--mode is service, core or fetch");
        }
        Path work = (Files.isDirectory(Path.of("storage-sink")) ? Path.of("storage-sink", "target") : Path.of("target"))
                .resolve("bench-" + UUID.randomUUID().toString().substring(0, 8));

        String scope = "sink-bench";
        String registryUrl = "mock://" + scope;
        InProcessKafkaBroker broker = InProcessKafkaBroker.start(work.resolve("kafka"));
        EmulatedRunflow runflow = new EmulatedRunflow(Duration.ofHours(24));
        Path trustStore = runflow.writeTrustStore(work.resolve("tls"));
        try {
            System.out.printf(Locale.ROOT, "sink-throughput (%s): %d jobs x 60 images, concurrency %d (%d per event), "
                    + "%d events in flight, fsync %s, %d rounds%n", mode, jobs, concurrency, perEvent, inFlight, fsync,
                    rounds);
            // Warm-up rounds (not counted): on two cores the JIT compilers otherwise take a third of the CPU while
            // the sink's code paths (and the broker's) are still being compiled, which the plain download is not.
            int warmups = Integer.parseInt(options.getOrDefault("warmup-rounds", "2"));
            for (int round = 1; round <= warmups; round++) {
                List<HeadshotsCompleted> warmup = runflow.generate(jobs, Duration.ofHours(24));
                plainDownload(urls(warmup), concurrency, trustStore);
                run(mode, broker, registryUrl, warmup, work.resolve("warmup-" + round), trustStore, runflow.imageHost(),
                        concurrency, perEvent, inFlight, fsync);
            }

            double sinkImages = 0;
            double sinkBytes = 0;
            double sinkSeconds = 0;
            double boundBytes = 0;
            double boundSeconds = 0;
            for (int round = 1; round <= rounds; round++) {
                List<HeadshotsCompleted> events = runflow.generate(jobs, Duration.ofHours(24));
                List<String> urls = urls(events);

                long cpuBefore = cpuNanos();
                Map<String, Long> threadsBefore = cpuByThreadGroup();
                long started = System.nanoTime();
                long bytes = plainDownload(urls, concurrency, trustStore);
                double bound = seconds(started);
                double boundCpu = (cpuNanos() - cpuBefore) / 1e9;
                Map<String, Long> threadsBetween = lastPlainThreads;
                cpuBefore = cpuNanos();

                Result sink = run(mode, broker, registryUrl, events, work.resolve("round-" + round), trustStore,
                        runflow.imageHost(), concurrency, perEvent, inFlight, fsync);
                double sinkCpu = (cpuNanos() - cpuBefore) / 1e9;
                if (options.containsKey("cpu-detail")) {
                    System.out.println("  CPU s by thread, plain download: " + difference(threadsBefore, threadsBetween));
                    System.out.println("  CPU s by thread, " + mode + ": " + sink.cpuByThread());
                }
                System.out.printf(Locale.ROOT, "round %d: plain download %d images %.1f MB in %.2f s (%.1f MB/s, %.1f CPU s); "
                                + "%s %d images %.1f MB in %.2f s (%.1f MB/s, %.0f images/s, %.1f downloads in flight, %.1f CPU s), "
                                + "efficiency %.2f%n", round,
                        urls.size(), bytes / 1e6, bound, bytes / 1e6 / bound, boundCpu, mode, sink.images(), sink.bytes() / 1e6,
                        sink.seconds(), sink.bytes() / 1e6 / sink.seconds(), sink.images() / sink.seconds(),
                        sink.downloadsInFlight(), sinkCpu, (sink.bytes() / sink.seconds()) / (bytes / bound));
                boundBytes += bytes;
                boundSeconds += bound;
                sinkImages += sink.images();
                sinkBytes += sink.bytes();
                sinkSeconds += sink.seconds();
            }
            double mbPerS = sinkBytes / 1e6 / sinkSeconds;
            double boundMbPerS = boundBytes / 1e6 / boundSeconds;
            System.out.printf(Locale.ROOT, "images_per_s=%.0f mb_per_s=%.1f bound_mb_per_s=%.1f efficiency=%.2f%n",
                    sinkImages / sinkSeconds, mbPerS, boundMbPerS, mbPerS / boundMbPerS);
        } finally {
            runflow.close();
            broker.close();
            MockSchemaRegistry.dropScope(scope);
        }
        System.exit(0);
    }

    private static Result run(String mode, InProcessKafkaBroker broker, String registryUrl, List<HeadshotsCompleted> events,
                              Path directory, Path trustStore, String imageHost, int concurrency, int perEvent,
                              int inFlight, boolean fsync) throws Exception {
        return switch (mode) {
            case "fetch" -> fetchOnly(urls(events), concurrency, trustStore, imageHost);
            case "core" -> archiveCore(events, directory, trustStore, imageHost, concurrency, perEvent, inFlight, fsync);
            default -> archive(broker, registryUrl, events, directory, trustStore, imageHost, concurrency, perEvent,
                    inFlight, fsync);
        };
    }

    /** What one sink run archived and how long it took, from the first event produced to the last offset committed. */
    private record Result(long images, long bytes, double seconds, double downloadsInFlight, String cpuByThread) {
    }

    /** Mean downloads in flight over the run (Little's law: downloads x mean latency / time). */
    private static double downloadsInFlight(PrometheusMeterRegistry metrics, double seconds) {
        var latency = metrics.get("sink.download.latency").timer();
        return latency.count() * latency.mean(TimeUnit.SECONDS) / seconds;
    }

    private static Result archive(InProcessKafkaBroker broker, String registryUrl, List<HeadshotsCompleted> events,
                                  Path directory, Path trustStore, String imageHost, int concurrency, int perEvent,
                                  int inFlight, boolean fsync) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String completed = "headshots.completed-" + suffix;
        String group = "storage-sink-bench-" + suffix;
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        env.put("SINK_TOPIC_COMPLETED", completed);
        env.put("SINK_TOPIC_ARCHIVED", "headshots.archived-" + suffix);
        env.put("SINK_TOPIC_DLQ", completed + ".dlq");
        env.put("SINK_GROUP_ID", group);
        env.put("SINK_TRANSACTIONAL_ID", group + "-1");
        env.put("SINK_ARCHIVE_DIR", directory.resolve("archive").toString());
        env.put("SINK_ARCHIVE_FSYNC", Boolean.toString(fsync));
        env.put("SINK_URL_ALLOWED_HOSTS", imageHost);
        env.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
        env.put("SINK_TLS_TRUSTSTORE_PASSWORD", EmulatedRunflow.TRUST_PASSWORD);
        env.put("SINK_DOWNLOAD_CONCURRENCY", Integer.toString(concurrency));
        env.put("SINK_DOWNLOAD_PER_EVENT", Integer.toString(perEvent));
        env.put("SINK_EVENTS_MAX_IN_FLIGHT", Integer.toString(inFlight));
        env.put("TOPICS_PARTITIONS", "12");
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        // Topics exist before the events; the events are in Kafka before the sink starts, so the timing covers
        // the sink alone: from getting its partitions to committing the last offset.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Topics.ensure(admin, List.of(Topics.topic(completed, 12, (short) 1)));
        }
        SinkFixtures.produce(producer, completed,
                AvroSerdes.specific(HeadshotsCompleted.class, Map.of("schema.registry.url", registryUrl), false).serializer(),
                events);
        long end = SinkFixtures.end(broker.bootstrapServers(), completed);
        Health health = new Health();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StorageSink sink = StorageSink.start(ServiceConfig.load(SinkKeys.define(), Optional.empty(), env), health, metrics);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Waits.await("the sink to join its group and get partitions", Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> health.components().containsKey("kafka")
                            && health.components().get("kafka").detail().startsWith("12 partitions"));
            Map<String, Long> threadsBefore = cpuByThreadGroup();
            long started = System.nanoTime();
            Waits.await("the sink to commit all " + end + " events", Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> committed(admin, group) >= end);
            double seconds = seconds(started);
            double images = metrics.get("sink.images.archived").counters().stream().mapToDouble(c -> c.count()).sum();
            double bytes = metrics.get("sink.bytes.archived").counter().count();
            return new Result((long) images, (long) bytes, seconds, downloadsInFlight(metrics, seconds),
                    difference(threadsBefore, cpuByThreadGroup()));
        }
    }

    private static long committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /**
     * The archiving core alone, without Kafka: {@code inFlight} threads each archive one event at a time through
     * {@link EventArchiver}, as the consumer loop's window does.
     */
    private static Result archiveCore(List<HeadshotsCompleted> events, Path directory, Path trustStore, String imageHost,
                                      int concurrency, int perEvent, int inFlight, boolean fsync) throws Exception {
        UrlPolicy policy = new UrlPolicy(List.of(imageHost), new AddressPolicy(true));
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ImageFetcher fetcher = new ImageFetcher(new ImageFetcher.Settings(Duration.ofSeconds(5), Duration.ofSeconds(30),
                     25L * 1024 * 1024, 0, concurrency,
                     Optional.of(new TlsTrust(trustStore, EmulatedRunflow.TRUST_PASSWORD.toCharArray()))), policy);
             EventArchiver archiver = new EventArchiver(new EventArchiver.Settings(concurrency, perEvent, 3,
                     Duration.ofMillis(250), 120), policy, fetcher,
                     new FilesystemArchiveStore(directory.resolve("archive"), fsync), new SinkMetrics(metrics),
                     java.time.Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(inFlight);
            ConcurrentLinkedQueue<HeadshotsCompleted> queue = new ConcurrentLinkedQueue<>(events);
            Map<String, Long> threadsBefore = cpuByThreadGroup();
            long started = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                workers.add(pool.submit(() -> {
                    for (HeadshotsCompleted event = queue.poll(); event != null; event = queue.poll()) {
                        Outcome outcome = archiver.archive(event, new Manifest.Source("bench", 0, 0));
                        if (!(outcome instanceof Outcome.Archived)) {
                            throw new IllegalStateException("not archived: " + outcome);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            double seconds = seconds(started);
            String cpu = difference(threadsBefore, cpuByThreadGroup());
            pool.shutdownNow();
            double images = metrics.get("sink.images.archived").counters().stream().mapToDouble(c -> c.count()).sum();
            return new Result((long) images, (long) metrics.get("sink.bytes.archived").counter().count(), seconds,
                    downloadsInFlight(metrics, seconds), cpu);
        }
    }

    /**
     * A diagnostic: the sink's {@link ImageFetcher} alone (URL policy, checked resolution, size cap, type and magic
     * checks, SHA-256) on {@code concurrency} threads, writing nothing.
     */
    private static Result fetchOnly(List<String> urls, int concurrency, Path trustStore, String imageHost) throws Exception {
        UrlPolicy policy = new UrlPolicy(List.of(imageHost), new AddressPolicy(true));
        try (ImageFetcher fetcher = new ImageFetcher(new ImageFetcher.Settings(Duration.ofSeconds(5), Duration.ofSeconds(30),
                25L * 1024 * 1024, 0, concurrency,
                Optional.of(new TlsTrust(trustStore, EmulatedRunflow.TRUST_PASSWORD.toCharArray()))), policy)) {
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(urls);
            AtomicLong bytes = new AtomicLong();
            long started = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                workers.add(pool.submit(() -> {
                    for (String url = queue.poll(); url != null; url = queue.poll()) {
                        bytes.addAndGet(fetcher.fetch(policy.check(url)).size());
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            double seconds = seconds(started);
            pool.shutdownNow();
            return new Result(urls.size(), bytes.get(), seconds, concurrency, "");
        }
    }

    /** GETs every URL with {@code concurrency} threads, as the sink's download pool does, keeping nothing. */
    private static long plainDownload(List<String> urls, int concurrency, Path trustStore) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setTrustStorePath(trustStore.toString());
        tls.setTrustStorePassword(EmulatedRunflow.TRUST_PASSWORD);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setMaxConnectionsPerDestination(concurrency);
        client.start();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(urls);
        AtomicLong bytes = new AtomicLong();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                workers.add(pool.submit(() -> {
                    for (String url = queue.poll(); url != null; url = queue.poll()) {
                        ContentResponse response = client.newRequest(url).timeout(30, TimeUnit.SECONDS).send();
                        if (response.getStatus() != 200) {
                            throw new IllegalStateException("HTTP " + response.getStatus() + " for " + url);
                        }
                        bytes.addAndGet(response.getContent().length);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            lastPlainThreads = cpuByThreadGroup();
        } finally {
            pool.shutdownNow();
            client.stop();
        }
        return bytes.get();
    }

    private static List<String> urls(List<HeadshotsCompleted> events) {
        return events.stream().flatMap(event -> event.getImageUrls().stream()).toList();
    }

    /** CPU time of this whole JVM (emulator, broker and sink alike), to tell a CPU-bound run from a waiting one. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of live threads, summed by name with digits removed (sink-download-N, runflow-emulator-http-N, …). */
    private static Map<String, Long> cpuByThreadGroup() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "N"), cpu, Long::sum);
                }
            }
        }
        return byGroup;
    }

    private static String difference(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((group, cpu) -> {
            double seconds = (cpu - before.getOrDefault(group, 0L)) / 1e9;
            if (seconds >= 0.05) {
                out.append(String.format(Locale.ROOT, "%s=%.2f ", group, seconds));
            }
        });
        return out.toString().strip();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
