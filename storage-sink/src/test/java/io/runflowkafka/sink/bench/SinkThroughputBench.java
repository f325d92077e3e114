package io.runflowkafka.sink.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.common.kafka.Topics;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.tls.TlsTrust;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.sink.EmulatedRunflow;
import io.runflowkafka.sink.EventArchiver;
import io.runflowkafka.sink.Outcome;
import io.runflowkafka.sink.SinkConfig;
import io.runflowkafka.sink.SinkMetrics;
import io.runflowkafka.sink.StorageSink;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.sink.fetch.ImageFetcher;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.UrlPolicy;
import io.runflowkafka.testkit.InProcessKafkaBroker;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * sink-throughput: archives {@code --jobs} Generate Headshots jobs of 60 images (~200 KB JPEGs served by the
 * Runflow emulator over HTTPS) per round through the whole sink, and times a plain concurrent download of the same
 * URLs at the same concurrency with nothing else (the bound). Everything runs in this JVM on loopback: the
 * in-process broker, the in-memory schema registry, the emulator, the sink (filesystem archive, Kafka transactions).
 *
 * <p>The sink is started once and keeps running across rounds, as a deployed sink does; a round is timed from
 * producing its completions to the sink committing the last one's offset. The last line printed is
 * {@code images_per_s=… mb_per_s=… bound_mb_per_s=… efficiency=…} (MB = 10^6 bytes).
 *
 * <p>Not a test: {@code bench/sink-throughput.sh} builds and runs it.
 */
public final class SinkThroughputBench {

    /** Names of the emulator's threads start with this (its HTTPS server, scheduler, analysis). */
    private static final String EMULATOR_THREADS = "runflow-emulator-";

    private SinkThroughputBench() {}

    /** The options, with their defaults. */
    private record Options(
            int jobs,
            int concurrency,
            int perEvent,
            int inFlight,
            int rounds,
            int minWarmups,
            int maxWarmups,
            boolean fsync,
            boolean directIo,
            String mode,
            LatencySpec imageLatency,
            boolean cpuDetail) {

        static Options parse(String[] args) {
            Map<String, String> options = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value, got " + args[i]);
                }
                options.put(args[i].substring(2), args[i + 1]);
            }
            int minWarmups = Integer.parseInt(options.getOrDefault("warmup-rounds", "2"));
            Options parsed = new Options(
                    Integer.parseInt(options.getOrDefault("jobs", "50")),
                    Integer.parseInt(options.getOrDefault("concurrency", "16")),
                    Integer.parseInt(options.getOrDefault("per-event", "8")),
                    Integer.parseInt(options.getOrDefault("in-flight", "8")),
                    Integer.parseInt(options.getOrDefault("rounds", "3")),
                    minWarmups,
                    Math.max(minWarmups, Integer.parseInt(options.getOrDefault("max-warmup-rounds", "6"))),
                    Boolean.parseBoolean(options.getOrDefault("fsync", "true")),
                    Boolean.parseBoolean(options.getOrDefault("direct-io", "true")),
                    options.getOrDefault("mode", "service"),
                    LatencySpec.parse(options.getOrDefault("image-latency", "0")),
                    Boolean.parseBoolean(options.getOrDefault("cpu-detail", "false")));
            if (!List.of("service", "core", "fetch").contains(parsed.mode())) {
                throw new IllegalArgumentException("--mode is service, core or fetch");
            }
            return parsed;
        }
    }

    /**
     * Options: {@code --jobs 50 --concurrency 16 --per-event 8 --in-flight 8 --rounds 3 --warmup-rounds 2
     * --max-warmup-rounds 6 --fsync true --direct-io true --mode service --image-latency 0 --cpu-detail false}.
     * {@code --image-latency} (ms, or a distribution such as {@code normal:40,10}) makes the emulator answer each
     * image like a distant CDN. {@code --mode core}
     * drives {@link EventArchiver} directly, without Kafka; {@code --mode fetch} only the sink's
     * {@link ImageFetcher}.
     */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path work = (Files.isDirectory(Path.of("storage-sink")) ? Path.of("storage-sink", "target") : Path.of("target"))
                .resolve("bench-" + UUID.randomUUID().toString().substring(0, 8));
        String scope = "sink-bench";
        InProcessKafkaBroker broker = InProcessKafkaBroker.start(work.resolve("kafka"));
        EmulatedRunflow runflow = new EmulatedRunflow(Duration.ofHours(24), options.imageLatency());
        Path trustStore = runflow.writeTrustStore(work.resolve("tls"));
        Path archive = work.resolve("archive");
        try (PlainDownload plain = new PlainDownload(options.concurrency(), trustStore);
                Target target = switch (options.mode()) {
                    case "fetch" -> new FetchTarget(options, trustStore, runflow.imageAllowlistEntry());
                    case "core" -> new CoreTarget(options, archive, trustStore, runflow.imageAllowlistEntry());
                    default ->
                        new ServiceTarget(
                                options, broker, "mock://" + scope, archive, trustStore, runflow.imageAllowlistEntry());
                }) {
            System.out.printf(
                    Locale.ROOT,
                    "sink-throughput (%s): %d jobs x 60 images per round, concurrency %d (%d per "
                            + "event), %d events in flight, fsync %s, direct I/O %s, image latency %s ms, %d rounds%n",
                    options.mode(),
                    options.jobs(),
                    options.concurrency(),
                    options.perEvent(),
                    options.inFlight(),
                    options.fsync(),
                    options.directIo(),
                    options.imageLatency(),
                    options.rounds());
            // Warm-up rounds (not counted): on two cores the JIT compilers otherwise take a large share of the CPU
            // while the sink's code paths (and the broker's) are still being compiled. At least --warmup-rounds, then
            // more (at most --max-warmup-rounds) while the JIT compiled for over a tenth of a round.
            for (int round = 1; round <= options.maxWarmups(); round++) {
                long jitBefore = jitMillis();
                long started = System.nanoTime();
                List<HeadshotsCompleted> events = runflow.generate(options.jobs(), Duration.ofHours(24));
                plain.download(urls(events));
                target.round(events);
                double jitShare = (jitMillis() - jitBefore) / 1e3 / seconds(started);
                System.out.printf(
                        Locale.ROOT, "warm-up %d: the JIT compiled for %.0f%% of the round%n", round, 100 * jitShare);
                if (round >= options.minWarmups() && jitShare <= 0.10) {
                    break;
                }
            }

            Totals sink = new Totals();
            Totals bound = new Totals();
            for (int round = 1; round <= options.rounds(); round++) {
                List<HeadshotsCompleted> events = runflow.generate(options.jobs(), Duration.ofHours(24));
                Measured plainRound = Measured.of(() -> plain.download(urls(events)));
                Measured sinkRound = Measured.of(() -> target.round(events));
                Result p = plainRound.result();
                Result s = sinkRound.result();
                if (options.cpuDetail()) {
                    System.out.println("  CPU s by thread, plain download: " + plainRound.cpuByThread());
                    System.out.println("  CPU s by thread, " + options.mode() + ": " + sinkRound.cpuByThread());
                }
                System.out.printf(
                        Locale.ROOT,
                        "round %d: plain download %d images %.1f MB in %.2f s (%.1f MB/s, %.1f CPU s, "
                                + "%.1f s JIT); %s %d images %.1f MB in %.2f s (%.1f MB/s, %.0f images/s, %.1f downloads in "
                                + "flight, %.1f CPU s, %.1f s JIT), efficiency %.2f; CPU-ms per image: plain download %.2f "
                                + "(%.2f outside the emulator, %.2f without the JIT compilers), %s %.2f (%.2f outside the "
                                + "emulator, %.2f without the JIT compilers)%n",
                        round,
                        p.images(),
                        p.bytes() / 1e6,
                        p.seconds(),
                        p.bytes() / 1e6 / p.seconds(),
                        plainRound.cpuSeconds(),
                        plainRound.jitSeconds(),
                        options.mode(),
                        s.images(),
                        s.bytes() / 1e6,
                        s.seconds(),
                        s.bytes() / 1e6 / s.seconds(),
                        s.images() / s.seconds(),
                        s.downloadsInFlight(),
                        sinkRound.cpuSeconds(),
                        sinkRound.jitSeconds(),
                        (s.bytes() / s.seconds()) / (p.bytes() / p.seconds()),
                        plainRound.cpuMillisPerImage(),
                        plainRound.clientCpuMillisPerImage(),
                        plainRound.compiledCpuMillisPerImage(),
                        options.mode(),
                        sinkRound.cpuMillisPerImage(),
                        sinkRound.clientCpuMillisPerImage(),
                        sinkRound.compiledCpuMillisPerImage());
                sink.add(s, sinkRound);
                bound.add(p, plainRound);
            }
            System.out.printf(
                    Locale.ROOT,
                    "images_per_s=%.0f mb_per_s=%.1f bound_mb_per_s=%.1f efficiency=%.2f "
                            + "cpu_ms_per_image=%.2f bound_cpu_ms_per_image=%.2f%n",
                    sink.images / sink.seconds,
                    sink.mbPerSecond(),
                    bound.mbPerSecond(),
                    sink.mbPerSecond() / bound.mbPerSecond(),
                    sink.cpuMillisPerImage(),
                    bound.cpuMillisPerImage());
        } finally {
            runflow.close();
            broker.close();
            MockSchemaRegistry.dropScope(scope);
            deleteTree(work);
        }
        System.exit(0);
    }

    /** What one timed run moved and how long it took. */
    private record Result(long images, long bytes, double seconds, double downloadsInFlight) {}

    /** Sums of rounds. */
    private static final class Totals {
        private double images;
        private double bytes;
        private double seconds;
        private double cpuSeconds;

        void add(Result result, Measured measured) {
            images += result.images();
            bytes += result.bytes();
            seconds += result.seconds();
            cpuSeconds += measured.cpuSeconds();
        }

        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }

        double cpuMillisPerImage() {
            return cpuSeconds * 1e3 / images;
        }
    }

    /**
     * A result with the CPU this whole JVM spent meanwhile (emulator, broker, JIT, GC and sink alike, read from the
     * process CPU time before and after) and, of that, the CPU of the emulator's threads. Both passes move the same
     * number of images from the same emulator in the same JVM, so CPU per image is compared like for like; the
     * part outside the emulator is what the downloading side (client, hashing, archive, Kafka, GC, JIT) costs.
     */
    private record Measured(
            Result result,
            double cpuSeconds,
            double jitSeconds,
            double emulatorCpuSeconds,
            double compilerCpuSeconds,
            String cpuByThread) {

        static Measured of(Callable<Result> run) throws Exception {
            long cpu = processCpuNanos();
            long jit = jitMillis();
            Map<String, Long> threads = cpuByThreadGroup();
            Map<String, Long> kernelThreads = kernelCpuByThreadGroup();
            Result result = run.call();
            Map<String, Long> after = cpuByThreadGroup();
            Map<String, Long> kernelAfter = kernelCpuByThreadGroup();
            return new Measured(
                    result,
                    (processCpuNanos() - cpu) / 1e9,
                    (jitMillis() - jit) / 1e3,
                    emulatorNanos(after, threads) / 1e9,
                    compilerTicks(kernelAfter, kernelThreads) / 100.0,
                    difference(threads, after) + "\n    by kernel thread name, user+system: "
                            + kernelDifference(kernelThreads, kernelAfter));
        }

        /** CPU per image without the JIT compiler threads: what a long-running, fully compiled JVM would spend. */
        double compiledCpuMillisPerImage() {
            return (cpuSeconds - compilerCpuSeconds) * 1e3 / result.images();
        }

        private static long compilerTicks(Map<String, Long> after, Map<String, Long> before) {
            long ticks = 0;
            for (Map.Entry<String, Long> group : after.entrySet()) {
                if (group.getKey().contains("CompilerThre")) {
                    ticks += group.getValue() - before.getOrDefault(group.getKey(), 0L);
                }
            }
            return ticks;
        }

        double cpuMillisPerImage() {
            return cpuSeconds * 1e3 / result.images();
        }

        double clientCpuMillisPerImage() {
            return (cpuSeconds - emulatorCpuSeconds) * 1e3 / result.images();
        }

        private static long emulatorNanos(Map<String, Long> after, Map<String, Long> before) {
            long nanos = 0;
            for (Map.Entry<String, Long> group : after.entrySet()) {
                if (group.getKey().startsWith(EMULATOR_THREADS)) {
                    nanos += group.getValue() - before.getOrDefault(group.getKey(), 0L);
                }
            }
            return nanos;
        }
    }

    /** What a round times: the whole sink, its archiving core, or its fetcher. Created once, used by every round. */
    private interface Target extends AutoCloseable {
        Result round(List<HeadshotsCompleted> events) throws Exception;
    }

    /**
     * The whole sink, started once: a round produces its completions and waits until the group has committed
     * them all; images and bytes come from the sink's own metrics.
     */
    private static final class ServiceTarget implements Target {
        private final String topic;
        private final String group;
        private final PrometheusMeterRegistry metrics;
        private final StorageSink sink;
        private final KafkaProducer<String, HeadshotsCompleted> producer;
        private final Admin admin;
        private long produced;

        ServiceTarget(
                Options options,
                InProcessKafkaBroker broker,
                String registryUrl,
                Path archive,
                Path trustStore,
                String imageHost)
                throws Exception {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            this.topic = "headshots.completed-" + suffix;
            this.group = "storage-sink-bench-" + suffix;
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("HTTP_HOST", "127.0.0.1");
            env.put("HTTP_PORT", "0");
            env.put("SCHEMA_REGISTRY_URL", registryUrl);
            env.put("SINK_TOPIC_COMPLETED", topic);
            env.put("SINK_TOPIC_ARCHIVED", "headshots.archived-" + suffix);
            env.put("SINK_TOPIC_DLQ", topic + ".dlq");
            env.put("SINK_GROUP_ID", group);
            env.put("SINK_TRANSACTIONAL_ID", group + "-1");
            env.put("SINK_ARCHIVE_DIR", archive.toString());
            env.put("SINK_ARCHIVE_FSYNC", Boolean.toString(options.fsync()));
            env.put("SINK_ARCHIVE_DIRECT_IO", Boolean.toString(options.directIo()));
            env.put("SINK_URL_ALLOWED_HOSTS", imageHost);
            env.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
            env.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
            env.put("SINK_TLS_TRUSTSTORE_PASSWORD", EmulatedRunflow.TRUST_PASSWORD);
            env.put("SINK_DOWNLOAD_CONCURRENCY", Integer.toString(options.concurrency()));
            env.put("SINK_DOWNLOAD_PER_EVENT", Integer.toString(options.perEvent()));
            env.put("SINK_EVENTS_MAX_IN_FLIGHT", Integer.toString(options.inFlight()));
            env.put("TOPICS_PARTITIONS", "12");
            this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
            Topics.ensure(admin, List.of(Topics.topic(topic, 12, (short) 1)));
            Map<String, Object> producerConfig = new HashMap<>();
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            this.producer = new KafkaProducer<>(
                    producerConfig,
                    new StringSerializer(),
                    AvroSerdes.specific(HeadshotsCompleted.class, Map.of("schema.registry.url", registryUrl), false)
                            .serializer());
            this.sink = StorageSink.start(SinkConfig.load(Optional.empty(), env));
            this.metrics = sink.registry();
            Health health = sink.health();
            Waits.await("the sink to join its group and get partitions", Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> health.components().containsKey("kafka")
                            && health.components().get("kafka").detail().startsWith("12 partitions"));
        }

        @Override
        public Result round(List<HeadshotsCompleted> events) throws Exception {
            Snapshot before = snapshot();
            long started = System.nanoTime();
            for (HeadshotsCompleted event : events) {
                producer.send(new ProducerRecord<>(topic, event.getHeadshotsId(), event));
            }
            producer.flush();
            produced += events.size();
            // The sink counts an event only after its transaction committed; watching that counter costs the JVM
            // nothing, where asking the broker for the group's offsets every 20 ms added admin-client and broker
            // CPU to the sink's figure. The offsets are then confirmed once (and again until they are all there).
            Waits.await("the sink to commit all " + produced + " events", Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> committedBySink() >= produced);
            Waits.await("the group's offsets to cover all " + produced + " events", Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> committed() >= produced);
            double seconds = seconds(started);
            return snapshot().since(before, seconds);
        }

        private double committedBySink() {
            return Stream.of("sink.events.archived", "sink.events.repeated", "sink.dlq.events")
                    .flatMap(name -> metrics.find(name).counters().stream())
                    .mapToDouble(c -> c.count())
                    .sum();
        }

        private long committed() throws Exception {
            return admin
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .values()
                    .stream()
                    .filter(Objects::nonNull)
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }

        private Snapshot snapshot() {
            return Snapshot.of(metrics);
        }

        @Override
        public void close() {
            sink.close();
            producer.close();
            admin.close();
        }
    }

    /**
     * The archiving core alone, without Kafka: {@code --in-flight} threads each archive one event at a time through
     * one long-lived {@link EventArchiver}, as the consumer loop's window does.
     */
    private static final class CoreTarget implements Target {
        private final int inFlight;
        private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final ImageFetcher fetcher;
        private final EventArchiver archiver;
        private final ExecutorService workers;

        CoreTarget(Options options, Path archive, Path trustStore, String imageHost) throws Exception {
            this.inFlight = options.inFlight();
            UrlPolicy policy = new UrlPolicy(List.of(imageHost), new AddressPolicy(true));
            this.fetcher = fetcher(options.concurrency(), trustStore, policy);
            this.archiver = new EventArchiver(
                    new EventArchiver.Settings(
                            options.concurrency(), options.perEvent(), 3, Duration.ofMillis(250), 120),
                    policy,
                    fetcher,
                    FilesystemArchiveStore.open(archive, options.fsync(), options.directIo()),
                    new SinkMetrics(metrics),
                    Clock.systemUTC());
            this.workers = Executors.newFixedThreadPool(inFlight);
        }

        @Override
        public Result round(List<HeadshotsCompleted> events) throws Exception {
            Snapshot before = Snapshot.of(metrics);
            long started = System.nanoTime();
            ConcurrentLinkedQueue<HeadshotsCompleted> queue = new ConcurrentLinkedQueue<>(events);
            drain(workers, inFlight, queue, event -> {
                try {
                    Outcome outcome = archiver.archive(event, new Manifest.Source("bench", 0, 0));
                    if (!(outcome instanceof Outcome.Archived)) {
                        throw new IllegalStateException("not archived: " + outcome);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            return Snapshot.of(metrics).since(before, seconds(started));
        }

        @Override
        public void close() {
            workers.shutdownNow();
            archiver.close();
            fetcher.close();
        }
    }

    /**
     * A diagnostic: the sink's {@link ImageFetcher} alone (URL policy, checked resolution, size cap, type and magic
     * checks, SHA-256) on {@code --concurrency} threads, writing nothing.
     */
    private static final class FetchTarget implements Target {
        private final int concurrency;
        private final UrlPolicy policy;
        private final ImageFetcher fetcher;
        private final ExecutorService workers;

        FetchTarget(Options options, Path trustStore, String imageHost) {
            this.concurrency = options.concurrency();
            this.policy = new UrlPolicy(List.of(imageHost), new AddressPolicy(true));
            this.fetcher = fetcher(concurrency, trustStore, policy);
            this.workers = Executors.newFixedThreadPool(concurrency);
        }

        @Override
        public Result round(List<HeadshotsCompleted> events) throws Exception {
            AtomicLong bytes = new AtomicLong();
            List<String> urls = urls(events);
            long started = System.nanoTime();
            drain(workers, concurrency, new ConcurrentLinkedQueue<>(urls), url -> {
                try {
                    bytes.addAndGet(fetcher.fetch(policy.check(url)).size());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return new Result(urls.size(), bytes.get(), seconds(started), concurrency);
        }

        @Override
        public void close() {
            workers.shutdownNow();
            fetcher.close();
        }
    }

    /** GETs every URL with {@code concurrency} threads over one long-lived client, keeping nothing: the bound. */
    private static final class PlainDownload implements AutoCloseable {
        private final int concurrency;
        private final HttpClient client;
        private final ExecutorService workers;

        PlainDownload(int concurrency, Path trustStore) throws Exception {
            this.concurrency = concurrency;
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setTrustStorePath(trustStore.toString());
            tls.setTrustStorePassword(EmulatedRunflow.TRUST_PASSWORD);
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(tls);
            this.client = new HttpClient(new HttpClientTransportOverHTTP(connector));
            client.setMaxConnectionsPerDestination(concurrency);
            client.start();
            this.workers = Executors.newFixedThreadPool(concurrency);
        }

        Result download(List<String> urls) throws Exception {
            AtomicLong bytes = new AtomicLong();
            long started = System.nanoTime();
            drain(workers, concurrency, new ConcurrentLinkedQueue<>(urls), url -> {
                try {
                    ContentResponse response =
                            client.newRequest(url).timeout(30, TimeUnit.SECONDS).send();
                    if (response.getStatus() != 200) {
                        throw new IllegalStateException("HTTP " + response.getStatus() + " for " + url);
                    }
                    bytes.addAndGet(response.getContent().length);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return new Result(urls.size(), bytes.get(), seconds(started), concurrency);
        }

        @Override
        public void close() throws Exception {
            workers.shutdownNow();
            client.stop();
        }
    }

    /** The sink's counters at one moment; {@link #since} turns two of them into a round's result. */
    private record Snapshot(double images, double bytes, long downloads, double downloadSeconds) {

        static Snapshot of(PrometheusMeterRegistry metrics) {
            Timer latency = metrics.find("sink.download.latency").timer();
            return new Snapshot(
                    metrics.find("sink.images.archived").counters().stream()
                            .mapToDouble(c -> c.count())
                            .sum(),
                    metrics.find("sink.bytes.archived").counters().stream()
                            .mapToDouble(c -> c.count())
                            .sum(),
                    latency == null ? 0 : latency.count(),
                    latency == null ? 0 : latency.totalTime(TimeUnit.SECONDS));
        }

        /** Mean downloads in flight by Little's law: summed download time over elapsed time. */
        Result since(Snapshot before, double seconds) {
            return new Result(
                    (long) (images - before.images),
                    (long) (bytes - before.bytes),
                    seconds,
                    (downloadSeconds - before.downloadSeconds) / seconds);
        }
    }

    private static ImageFetcher fetcher(int concurrency, Path trustStore, UrlPolicy policy) {
        return ImageFetcher.start(
                new ImageFetcher.Settings(
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        25L * 1024 * 1024,
                        0,
                        concurrency,
                        Optional.of(new TlsTrust(trustStore, EmulatedRunflow.TRUST_PASSWORD.toCharArray()))),
                policy);
    }

    /** Runs {@code work} on every item of {@code queue} with {@code threads} of {@code pool}; rethrows the first failure. */
    private static <T> void drain(ExecutorService pool, int threads, ConcurrentLinkedQueue<T> queue, Consumer<T> work)
            throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            running.add(pool.submit(() -> {
                for (T item = queue.poll(); item != null; item = queue.poll()) {
                    work.accept(item);
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
    }

    private static List<String> urls(List<HeadshotsCompleted> events) {
        return events.stream().flatMap(event -> event.getImageUrls().stream()).toList();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Time the JIT compilers spent compiling since the JVM started, summed over compiler threads. */
    private static long jitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** CPU time of live threads, summed by name with digits removed (sink-download-N, runflow-emulator-http-N, …). */
    private static Map<String, Long> cpuByThreadGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
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

    /**
     * User and system CPU ticks of every thread of this process, the JVM's own (JIT compilers, GC) included, summed
     * by name (as the kernel keeps it: 15 characters) with digits removed; read from {@code /proc/self/task} (Linux),
     * empty elsewhere. Keys end in {@code :user} and {@code :sys}.
     */
    private static Map<String, Long> kernelCpuByThreadGroup() {
        Map<String, Long> byGroup = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
                String[] fields = stat.substring(close + 2).split(" ");
                // After the name: state(0) … utime(11) stime(12), in clock ticks.
                byGroup.merge(name + ":user", Long.parseLong(fields[11]), Long::sum);
                byGroup.merge(name + ":sys", Long.parseLong(fields[12]), Long::sum);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byGroup;
    }

    /** User+system CPU seconds by thread group between two readings of {@link #kernelCpuByThreadGroup()}, at 100 Hz. */
    private static String kernelDifference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, long[]> groups = new TreeMap<>();
        after.forEach((key, ticks) -> {
            int colon = key.lastIndexOf(':');
            long[] userSys = groups.computeIfAbsent(key.substring(0, colon), k -> new long[2]);
            userSys[key.endsWith(":user") ? 0 : 1] += ticks - before.getOrDefault(key, 0L);
        });
        StringBuilder out = new StringBuilder();
        groups.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .filter(group -> group.getValue()[0] + group.getValue()[1] >= 5)
                .forEach(group -> out.append(String.format(
                        Locale.ROOT,
                        "[%s]=%.2fu+%.2fs ",
                        group.getKey(),
                        group.getValue()[0] / 100.0,
                        group.getValue()[1] / 100.0)));
        return out.toString().strip();
    }

    /**
     * Deletes the work directory at the end (600 MB of archive per round), so runs do not fill the disk. Not between
     * rounds: on ext4 without a journal, creating files right after deleting thousands scans past every recently
     * freed inode, which would slow the next round's archive writes.
     */
    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
