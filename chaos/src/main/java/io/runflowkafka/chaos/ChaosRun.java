package io.runflowkafka.chaos;

import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos run: three Kafka nodes, three processors, two bridges and two sinks, each its own JVM; the schema
 * registry, the Runflow emulator and the callback proxy in this JVM; a feeder; faults on a schedule drawn from
 * the seed; then the independent {@link Checker}. Its last line is the {@code chaos: ...} summary, and
 * {@link #main} exits 0 only when nothing was lost, duplicated, reordered or archived twice.
 */
public final class ChaosRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
    private static final String PASSWORD = "changeit";
    private static final int PARTITIONS = 6;

    private final ChaosSettings settings;
    private final PrintStream out;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ChaosRun(ChaosSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs {@code bench/chaos.sh}'s options; exit 0 only when every invariant held. */
    public static void main(String[] args) {
        ChaosSettings settings = ChaosSettings.parse(args);
        ChaosRun run = new ChaosRun(settings, System.out);
        Thread hook = new Thread(run::close, "chaos-stop-all");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = run.run().passed() ? 0 : 1;
        } catch (Exception e) {
            LOG.error("the chaos run failed to run", e);
            code = 3;
        } finally {
            run.close();
        }
        System.exit(code);
    }

    ChaosResult run() throws Exception {
        long startedNanos = System.nanoTime();
        Path dir = settings.dir().toAbsolutePath();
        deleteRecursively(dir);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path archive = Files.createDirectories(dir.resolve("archive"));
        RunLog log = new RunLog(out, logs.resolve("chaos.log"), startedNanos);
        out.printf(
                "chaos: seed=%d duration=%ss uploads=%d orders=%d dir=%s%n",
                settings.seed(), settings.duration().toSeconds(), settings.uploads(), settings.orders(), dir);
        out.flush();

        BrokerCluster cluster = new BrokerCluster(dir.resolve("kafka"), logs, "384m");
        closing.add(cluster);
        cluster.start(Duration.ofMinutes(3));
        ChaosTopics topics = ChaosTopics.DEFAULTS;
        cluster.createTopics(topics.all(), PARTITIONS);
        log.note("kafka: 3 nodes at %s", cluster.bootstrapServers());

        RestartableRegistry registry = new RestartableRegistry(
                settings.seed(), dir.resolve("registry").resolve("schemas.jsonl"), closing::add);
        registry.start();

        String callbackSecret = randomSecret();
        String signingSecret = "whsec_" + randomSecret();
        RunflowEmulator emulator = startEmulator(signingSecret);
        Path trustStore = writeTrustStore(dir.resolve("emulator-truststore.p12"));

        List<Integer> bridgePorts = new ArrayList<>();
        for (int i = 0; i < ServiceFleet.BRIDGES; i++) {
            bridgePorts.add(BrokerCluster.freePort());
        }
        CallbackProxy proxy = new CallbackProxy(
                ServiceFleet.BRIDGES,
                i -> "http://127.0.0.1:" + bridgePorts.get(i),
                settings.duplicateRate(),
                settings.seed());
        closing.add(proxy);

        Map<String, String> common = ServiceEnvironments.common(cluster.bootstrapServers(), registry.url(), PARTITIONS);
        ServiceFleet services = new ServiceFleet(
                logs,
                i -> ServiceEnvironments.bridge(common, bridgePorts.get(i - 1), callbackSecret, signingSecret),
                i -> ServiceEnvironments.processor(
                        common,
                        dir.resolve("processor-" + i + "-state"),
                        proxy.url(),
                        callbackSecret,
                        emulator.baseUrl()),
                i -> ServiceEnvironments.sink(
                        common,
                        i,
                        archive,
                        trustStore,
                        PASSWORD,
                        URI.create(emulator.publicBaseUrl()).getAuthority()),
                log);
        closing.add(services::stopAll);
        services.startAll();
        log.note(
                "services: %d processors, %d bridges (behind %s), %d sinks",
                ServiceFleet.PROCESSORS, ServiceFleet.BRIDGES, proxy.url(), ServiceFleet.SINKS);

        Checker checker = new Checker(cluster.bootstrapServers(), registry.url(), archive, topics);
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "chaos-background");
            t.setDaemon(true);
            return t;
        });
        closing.add(background::shutdownNow);
        background.scheduleWithFixedDelay(
                () -> {
                    if (!closed) {
                        services.supervise();
                    }
                },
                2,
                2,
                TimeUnit.SECONDS);

        Feeder feeder = new Feeder(
                cluster.bootstrapServers(),
                registry.url(),
                topics.uploaded(),
                settings.uploads(),
                settings.orders(),
                settings.seed(),
                settings.feedPeriod());
        Thread feeding = new Thread(
                () -> feeder.feed(
                        emulator.sampleUrl("portrait.jpg"),
                        emulator.sampleUrl("dark.jpg"),
                        emulator.sampleUrl("blurry.jpg")),
                "chaos-feeder");
        feeding.setDaemon(true);
        feeding.start();
        closing.add(feeder::stop);

        Waits.await("the first uploads routed (every service up)", Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> checker.snapshot().routedDistinct() >= Math.min(5, settings.uploads()));
        log.note(
                "traffic flows: first uploads routed; feeding the rest over %ss",
                settings.feedPeriod().toSeconds());
        feeder.go();
        SplittableRandom random = new SplittableRandom(settings.seed());
        FaultInjector faults = new FaultInjector(random, settings.pause(), log, services, cluster, registry, emulator);
        new FaultSchedule(random, settings, faults).run(() -> closed);
        faults.heal();
        feeding.join(TimeUnit.MINUTES.toMillis(5));
        int expected = settings.uploads() - feeder.failed();
        log.note(
                "faults over; feeder sent %d (failed %d); waiting up to %ss for the pipeline to drain",
                feeder.sent(), feeder.failed(), settings.settle().toSeconds());

        awaitDrained(checker, feeding, expected, log);
        Snapshot s = checker.snapshot();
        return new ChaosReport(out, log, faults, services, proxy, emulator, feeder, settings.seed())
                .print(s, checker.checkArchive(s));
    }

    private RunflowEmulator startEmulator(String signingSecret) {
        RunflowEmulator emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .headshotsDelay(Duration.ofSeconds(2))
                .webhookSecret(signingSecret)
                .faults(FaultInjector.BASE_FAULTS)
                .imageLatency(LatencySpec.parse("uniform:50-150"))
                .callbackRetry(Duration.ofSeconds(1), Duration.ofSeconds(10), 30)
                .build()
                .start();
        closing.add(emulator);
        return emulator;
    }

    /** The emulator's self-signed certificate, for the sinks that fetch images from it over HTTPS. */
    private static Path writeTrustStore(Path trustStore) throws IOException {
        try (OutputStream stream = Files.newOutputStream(trustStore)) {
            RunflowEmulator.devTrustStore().store(stream, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the emulator's truststore", e);
        }
        return trustStore;
    }

    private void awaitDrained(Checker checker, Thread feeding, int expected, RunLog log) {
        long[] progressAt = {System.nanoTime()};
        try {
            Waits.await("every upload routed and every order's headshots archived", settings.settle())
                    .pollInterval(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> {
                        Snapshot s = checker.snapshot();
                        if (System.nanoTime() - progressAt[0] > TimeUnit.SECONDS.toNanos(20)) {
                            progressAt[0] = System.nanoTime();
                            progress(log, s);
                        }
                        return !feeding.isAlive() && s.settled(expected);
                    });
        } catch (ConditionTimeoutException e) {
            log.note(
                    "the pipeline did not drain within %ss: reporting what is there",
                    settings.settle().toSeconds());
        }
    }

    private static void progress(RunLog log, Snapshot s) {
        log.note(
                "progress: uploads=%d routed=%d dup=%d jobs=%d completed=%d archived=%d (orders without job %d, "
                        + "jobs not completed %d, completions not archived %d)",
                s.uploads(),
                s.routedDistinct(),
                s.duplicated(),
                s.jobsPerOrder.size(),
                s.completed.size(),
                s.archivedDistinct(),
                s.ordersWithoutJob().size(),
                s.jobsNotCompleted().size(),
                s.completionsNotArchived().size());
    }

    /** Stops everything this run started, each process by its own PID; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
