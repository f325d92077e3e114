package io.runflowkafka.chaos;

import io.runflowkafka.bridge.WebhookBridgeMain;
import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorMain;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.sink.StorageSinkMain;
import io.runflowkafka.testkit.Waits;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final int PROCESSORS = 3;
    private static final int BRIDGES = 2;
    private static final int SINKS = 2;
    private static final int PARTITIONS = 6;
    private static final FaultSettings BASE_FAULTS =
            FaultSettings.NONE.withLatency(LatencySpec.parse("uniform:200-400"));

    /** The kinds of fault the schedule draws from. */
    enum Fault {
        KILL_PROCESSOR,
        KILL_BRIDGE,
        KILL_SINK,
        PAUSE_PROCESSOR,
        KILL_BROKER,
        SCALE_OUT,
        RUNFLOW_BURST,
        RUNFLOW_OUTAGE,
        REGISTRY_OUTAGE
    }

    private final ChaosSettings settings;
    private final PrintStream out;
    private final SplittableRandom random;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private final List<ChildJvm> processors = new ArrayList<>();
    private final List<ChildJvm> bridges = new ArrayList<>();
    private final List<ChildJvm> sinks = new ArrayList<>();
    private final List<Integer> bridgePorts = new ArrayList<>();
    private final List<String> faultLog = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger pauses = new AtomicInteger();
    private final AtomicInteger brokerRestarts = new AtomicInteger();
    private final AtomicInteger selfExits = new AtomicInteger();
    private final Map<Fault, Integer> injected = Collections.synchronizedMap(new java.util.EnumMap<>(Fault.class));
    private BrokerCluster cluster;
    private volatile LocalSchemaRegistryServer registry;
    private int registryPort;
    private Path registryJournal;
    private int registryGeneration;
    private RunflowEmulator emulator;
    private CallbackProxy proxy;
    private Feeder feeder;
    private ChildJvm extraProcessor;
    private volatile boolean closed;
    private long startedNanos;
    private volatile Path runLog;

    ChaosRun(ChaosSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.random = new SplittableRandom(settings.seed());
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

    /** The figures of one run. */
    record Result(
            int uploads,
            int routed,
            int lost,
            int duplicated,
            int outOfOrder,
            int jobsExtra,
            int archived,
            int archiveDup,
            int ackedLost,
            int archiveProblems,
            int unfinished,
            int kills,
            int pauses,
            int brokerRestarts,
            long seed,
            String line) {

        boolean passed() {
            return lost == 0
                    && duplicated == 0
                    && outOfOrder == 0
                    && jobsExtra == 0
                    && archiveDup == 0
                    && ackedLost == 0
                    && archiveProblems == 0
                    && unfinished == 0;
        }
    }

    Result run() throws Exception {
        startedNanos = System.nanoTime();
        Path dir = settings.dir().toAbsolutePath();
        deleteRecursively(dir);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path archive = Files.createDirectories(dir.resolve("archive"));
        runLog = logs.resolve("chaos.log");
        out.printf(
                "chaos: seed=%d duration=%ss uploads=%d orders=%d dir=%s%n",
                settings.seed(), settings.duration().toSeconds(), settings.uploads(), settings.orders(), dir);
        out.flush();

        cluster = new BrokerCluster(dir.resolve("kafka"), logs, "384m");
        closing.add(cluster);
        cluster.start(Duration.ofMinutes(3));
        ChaosTopics topics = ChaosTopics.DEFAULTS;
        cluster.createTopics(topics.all(), PARTITIONS);
        note("kafka: 3 nodes at %s", cluster.bootstrapServers());

        registryPort = BrokerCluster.freePort();
        registryJournal = dir.resolve("registry").resolve("schemas.jsonl");
        Files.createDirectories(registryJournal.getParent());
        startRegistry();

        String callbackSecret = randomSecret();
        String signingSecret = "whsec_" + randomSecret();
        emulator = RunflowEmulator.builder()
                .httpsPort(0)
                .headshotsDelay(Duration.ofSeconds(2))
                .webhookSecret(signingSecret)
                .faults(BASE_FAULTS)
                .imageLatency(LatencySpec.parse("uniform:50-150"))
                .callbackRetry(Duration.ofSeconds(1), Duration.ofSeconds(10), 30)
                .build()
                .start();
        closing.add(emulator);
        Path trustStore = dir.resolve("emulator-truststore.p12");
        try (OutputStream stream = Files.newOutputStream(trustStore)) {
            RunflowEmulator.devTrustStore().store(stream, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the emulator's truststore", e);
        }

        for (int i = 0; i < BRIDGES; i++) {
            bridgePorts.add(BrokerCluster.freePort());
        }
        proxy = new CallbackProxy(
                BRIDGES, i -> "http://127.0.0.1:" + bridgePorts.get(i), settings.duplicateRate(), settings.seed());
        closing.add(proxy);

        Map<String, String> common = ServiceEnvironments.common(cluster.bootstrapServers(), registryUrl(), PARTITIONS);

        for (int i = 1; i <= BRIDGES; i++) {
            Map<String, String> env =
                    ServiceEnvironments.bridge(common, bridgePorts.get(i - 1), callbackSecret, signingSecret);
            bridges.add(new ChildJvm(
                    "bridge-" + i,
                    WebhookBridgeMain.class.getName(),
                    List.of(),
                    env,
                    logs.resolve("bridge-" + i + ".log"),
                    "256m"));
        }
        for (int i = 1; i <= PROCESSORS + 1; i++) {
            Map<String, String> env = ServiceEnvironments.processor(
                    common, dir.resolve("processor-" + i + "-state"), proxy.url(), callbackSecret, emulator.baseUrl());
            ChildJvm processor = new ChildJvm(
                    "processor-" + i,
                    ProcessorMain.class.getName(),
                    List.of(),
                    env,
                    logs.resolve("processor-" + i + ".log"),
                    "384m");
            if (i <= PROCESSORS) {
                processors.add(processor);
            } else {
                extraProcessor = processor;
            }
        }
        for (int i = 1; i <= SINKS; i++) {
            Map<String, String> env = ServiceEnvironments.sink(common, i, archive, trustStore, PASSWORD);
            sinks.add(new ChildJvm(
                    "sink-" + i,
                    StorageSinkMain.class.getName(),
                    List.of(),
                    env,
                    logs.resolve("sink-" + i + ".log"),
                    "256m"));
        }
        closing.add(this::stopServices);
        allServices().forEach(ChildJvm::start);
        note("services: %d processors, %d bridges (behind %s), %d sinks", PROCESSORS, BRIDGES, proxy.url(), SINKS);

        Checker checker = new Checker(cluster.bootstrapServers(), registryUrl(), archive, topics);
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "chaos-background");
            t.setDaemon(true);
            return t;
        });
        closing.add(background::shutdownNow);
        background.scheduleWithFixedDelay(this::supervise, 2, 2, TimeUnit.SECONDS);

        feeder = new Feeder(
                cluster.bootstrapServers(),
                registryUrl(),
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
        note(
                "traffic flows: first uploads routed; feeding the rest over %ss",
                settings.feedPeriod().toSeconds());
        feeder.go();
        runFaults();
        heal();
        feeding.join(TimeUnit.MINUTES.toMillis(5));
        int expected = settings.uploads() - feeder.failed();
        note(
                "faults over; feeder sent %d (failed %d); waiting up to %ss for the pipeline to drain",
                feeder.sent(), feeder.failed(), settings.settle().toSeconds());

        Snapshot[] last = new Snapshot[1];
        long lastProgress = System.nanoTime();
        try {
            long[] progressAt = {lastProgress};
            Waits.await("every upload routed and every order's headshots archived", settings.settle())
                    .pollInterval(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> {
                        last[0] = checker.snapshot();
                        if (System.nanoTime() - progressAt[0] > TimeUnit.SECONDS.toNanos(20)) {
                            progressAt[0] = System.nanoTime();
                            progress(last[0]);
                        }
                        return !feeding.isAlive() && last[0].settled(expected);
                    });
        } catch (ConditionTimeoutException e) {
            note(
                    "the pipeline did not drain within %ss: reporting what is there",
                    settings.settle().toSeconds());
        }
        Snapshot s = checker.snapshot();
        return report(s, checker.checkArchive(s));
    }

    private void runFaults() {
        List<Fault> mandatory = new ArrayList<>(List.of(Fault.values()));
        // Shuffle with the run's own random, so the seed decides the order.
        for (int i = mandatory.size() - 1; i > 0; i--) {
            Collections.swap(mandatory, i, random.nextInt(i + 1));
        }
        long start = System.nanoTime();
        long window = settings.duration().toNanos();
        int n = 0;
        while (!closed) {
            Fault fault;
            if (n < mandatory.size()) {
                fault = mandatory.get(n);
            } else if (System.nanoTime() - start < window || kills.get() < settings.minKills()) {
                fault = kills.get() < settings.minKills() && System.nanoTime() - start >= window
                        ? pickKill()
                        : pickAny();
            } else {
                break;
            }
            n++;
            inject(fault);
            hold(Duration.ofMillis(1000 + random.nextInt(3000)), "a gap between faults");
        }
    }

    private Fault pickKill() {
        return switch (random.nextInt(3)) {
            case 0 -> Fault.KILL_PROCESSOR;
            case 1 -> Fault.KILL_BRIDGE;
            default -> Fault.KILL_SINK;
        };
    }

    private Fault pickAny() {
        double draw = random.nextDouble();
        if (draw < 0.65) {
            return pickKill();
        }
        Fault[] others = {
            Fault.PAUSE_PROCESSOR,
            Fault.KILL_BROKER,
            Fault.SCALE_OUT,
            Fault.RUNFLOW_BURST,
            Fault.RUNFLOW_OUTAGE,
            Fault.REGISTRY_OUTAGE
        };
        return others[random.nextInt(others.length)];
    }

    private void inject(Fault fault) {
        injected.merge(fault, 1, Integer::sum);
        switch (fault) {
            case KILL_PROCESSOR -> killAndRestart(processors.get(random.nextInt(processors.size())));
            case KILL_BRIDGE -> killAndRestart(bridges.get(random.nextInt(bridges.size())));
            case KILL_SINK -> killAndRestart(sinks.get(random.nextInt(sinks.size())));
            case PAUSE_PROCESSOR -> {
                ChildJvm victim = processors.get(random.nextInt(processors.size()));
                note(
                        "fault: SIGSTOP %s for %ss (session time-out 6 s, transaction time-out 10 s)",
                        victim, settings.pause().toSeconds());
                victim.pause();
                pauses.incrementAndGet();
                hold(settings.pause(), victim.name() + " frozen");
                victim.resume();
                note("fault: SIGCONT %s: a zombie wakes up", victim);
            }
            case KILL_BROKER -> {
                int index = random.nextInt(BrokerCluster.SIZE);
                ChildJvm node = cluster.nodes().get(index);
                note("fault: SIGKILL %s (leader failover with transactions open)", node);
                node.kill();
                hold(Duration.ofSeconds(4 + random.nextInt(5)), node.name() + " down");
                node.start();
                brokerRestarts.incrementAndGet();
                try {
                    cluster.awaitNodeServing(index + 1, Duration.ofMinutes(2));
                } catch (ConditionTimeoutException e) {
                    note("warning: %s not serving 2 min after its restart", node.name());
                }
                note("fault: %s restarted; waiting for its replicas to catch up", node);
                try {
                    cluster.awaitFullyReplicated(ChaosTopics.DEFAULTS.all(), Duration.ofMinutes(2));
                } catch (ConditionTimeoutException e) {
                    note("warning: %s's replicas not all in sync after 2 min", node.name());
                }
            }
            case SCALE_OUT -> {
                note("fault: a 4th processor joins (rebalance)");
                extraProcessor.start();
                hold(Duration.ofSeconds(15), "4 processors");
                note("fault: the 4th processor leaves (SIGTERM, rebalance)");
                extraProcessor.stop(30);
            }
            case RUNFLOW_BURST -> {
                note("fault: Runflow answers 429 (30%%, Retry-After 1 s) and 503 (20%%) for 8 s");
                emulator.faults()
                        .set(BASE_FAULTS
                                .withErrorRate(429, 0.3)
                                .withErrorRate(503, 0.2)
                                .withRetryAfter(Duration.ofSeconds(1)));
                hold(Duration.ofSeconds(8), "Runflow 429/503 burst");
                emulator.faults().set(BASE_FAULTS);
            }
            case RUNFLOW_OUTAGE -> {
                note("fault: Runflow outage for 10 s");
                emulator.faults().outageFor(Duration.ofSeconds(10));
                hold(Duration.ofSeconds(10), "Runflow outage");
                emulator.faults().endOutage();
            }
            case REGISTRY_OUTAGE -> {
                note("fault: schema registry down for 8 s");
                registry.close();
                hold(Duration.ofSeconds(8), "registry outage");
                startRegistry();
                note("fault: schema registry back on port %d (journal replayed)", registryPort);
            }
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private void killAndRestart(ChildJvm victim) {
        note("fault: SIGKILL %s", victim);
        victim.kill();
        kills.incrementAndGet();
        hold(Duration.ofMillis(500 + random.nextInt(2500)), victim.name() + " down");
        victim.start();
    }

    /** The supervisor: a service that exits on its own is counted, logged and restarted, as an orchestrator would. */
    private void supervise() {
        if (closed) {
            return;
        }
        for (ChildJvm service : allServices()) {
            Integer exit = service.exitedOnItsOwn();
            if (exit != null) {
                selfExits.incrementAndGet();
                note(
                        "supervisor: %s exited on its own (exit %d); restarting it (see %s)",
                        service, exit, service.log());
                service.start();
            }
        }
    }

    private void heal() {
        emulator.faults().set(BASE_FAULTS);
        for (ChildJvm service : allServices()) {
            service.resume();
            service.start();
        }
        cluster.nodes().forEach(ChildJvm::start);
    }

    private Result report(Snapshot s, List<String> archiveProblems) throws IOException {
        int ackedLost = (int) proxy.acknowledged().stream()
                .filter(id -> !s.completed.containsKey(id))
                .count();
        // Misrouted: an upload meant to be scored that was dead-lettered, or a dead-letter kind that was scored.
        List<String> misrouted = new ArrayList<>();
        for (Feeder.Upload u : feeder.uploads()) {
            boolean meantForDlq = u.kind() == Feeder.Kind.UNDECODABLE || u.kind() == Feeder.Kind.UNUSABLE_URI;
            if (!meantForDlq && s.dlqStage.containsKey(u.uploadId())) {
                misrouted.add(u.uploadId() + " (" + u.kind() + ", order " + u.orderId() + ") dead-lettered at stage "
                        + s.dlqStage.get(u.uploadId()));
            } else if (meantForDlq && s.scoredIds.contains(u.uploadId())) {
                misrouted.add(u.uploadId() + " (" + u.kind() + ") scored instead of dead-lettered");
            }
        }
        // A re-send at Runflow that no processor counted fails the run too: Runflow holds (and bills) a job nobody
        // sees.
        Map<String, Integer> resendsUncounted =
                ResendLedger.uncounted(s.reissuedByJobRef(), ResendLedger.counted(runLog.getParent()));
        int unfinished = resendsUncounted.size()
                + s.ordersWithoutJob().size()
                + s.jobsNotCompleted().size()
                + s.completionsNotArchived().size()
                + s.completionsUnknown()
                + s.foreignDeadLetters.size()
                + misrouted.size();
        misrouted.stream().limit(20).forEach(m -> out.println("chaos: misrouted upload " + m));
        s.foreignDeadLetters.stream()
                .limit(20)
                .forEach(f -> out.println("chaos: not an upload on the uploads' DLQ: " + f));
        s.ordersWithoutJob().stream()
                .sorted()
                .limit(20)
                .forEach(o -> out.println("chaos: order " + o + " has accepted photos but no HeadshotJob"));
        out.printf(
                "chaos: faults %s; self_exits=%d callbacks_forwarded=%d sent_twice=%d refused=%d%n",
                injected, selfExits.get(), proxy.forwarded(), proxy.duplicatesSent(), proxy.refused());
        var counters = emulator.counters().snapshot();
        out.printf(
                "chaos: accepted=%d retake=%d dlq=%d jobs=%d jobs_dlq=%d runflow_submissions=%d completed=%d "
                        + "completed_reissued=%d completed_unknown=%d completed_dlq=%d orders_without_job=%d "
                        + "jobs_not_completed=%d completions_not_archived=%d archive_problems=%d callbacks_abandoned=%d "
                        + "misrouted=%d foreign_dead_letters=%d wall=%ds%n",
                s.accepted,
                s.retake,
                s.dlq,
                s.jobsPerOrder.values().stream().mapToInt(Integer::intValue).sum(),
                s.jobsDlqOrders.size(),
                counters.headshotSubmissions(),
                s.completed.size(),
                s.completionsReissued(),
                s.completionsUnknown(),
                s.completedDlq.size(),
                s.ordersWithoutJob().size(),
                s.jobsNotCompleted().size(),
                s.completionsNotArchived().size(),
                archiveProblems.size(),
                counters.callbacksAbandoned(),
                misrouted.size(),
                s.foreignDeadLetters.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos));
        s.reissuedByJobRef().entrySet().stream()
                .limit(20)
                .forEach(e -> out.println("chaos: job_ref " + e.getKey() + " has extra Runflow job(s) " + e.getValue()
                        + " beside its HeadshotJob's (a re-sent submission)"));
        int resends =
                s.reissuedByJobRef().values().stream().mapToInt(List::size).sum();
        out.printf(
                "chaos: runflow_resends=%d resends_uncounted=%d (each must be counted by "
                        + "headshots_submissions_reissued_total, i.e. logged as \"sending again\")%n",
                resends,
                resendsUncounted.values().stream().mapToInt(Integer::intValue).sum());
        resendsUncounted.entrySet().stream()
                .limit(20)
                .forEach(e -> out.println("chaos: job_ref " + e.getKey() + " was " + "sent to Runflow " + e.getValue()
                        + " more time(s) than the processors counted"));
        archiveProblems.stream().limit(20).forEach(p -> out.println("chaos: archive problem: " + p));
        s.inputs.stream()
                .distinct()
                .filter(id -> !s.routed.containsKey(id))
                .limit(20)
                .forEach(id -> out.println(
                        "chaos: lost upload " + id + " (order " + s.orderOf.get(id) + "): " + s.where.get(id)));
        s.routed.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .limit(20)
                .forEach(e -> out.println("chaos: upload " + e.getKey() + " routed " + e.getValue() + " times: "
                        + s.where.get(e.getKey())));
        s.jobsPerOrder.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .limit(20)
                .forEach(e -> out.println("chaos: order " + e.getKey() + " has " + e.getValue() + " HeadshotJobs"));
        s.archived.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .limit(20)
                .forEach(e -> out.println("chaos: headshots " + e.getKey() + " archived " + e.getValue() + " times"));
        String line = String.format(
                "chaos: uploads=%d routed=%d lost=%d duplicated=%d out_of_order=%d jobs_extra=%d "
                        + "archived=%d archive_dup=%d acked_lost=%d kills=%d pauses=%d broker_restarts=%d seed=%d",
                s.uploads(),
                s.routedDistinct(),
                s.lost(),
                s.duplicated(),
                s.outOfOrder(),
                s.jobsExtra(),
                s.archivedDistinct(),
                s.archiveDup(),
                ackedLost,
                kills.get(),
                pauses.get(),
                brokerRestarts.get(),
                settings.seed());
        out.println(line);
        out.flush();
        return new Result(
                s.uploads(),
                s.routedDistinct(),
                s.lost(),
                s.duplicated(),
                s.outOfOrder(),
                s.jobsExtra(),
                s.archivedDistinct(),
                s.archiveDup(),
                ackedLost,
                archiveProblems.size(),
                unfinished,
                kills.get(),
                pauses.get(),
                brokerRestarts.get(),
                settings.seed(),
                line);
    }

    private void progress(Snapshot s) {
        note(
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

    private void startRegistry() {
        // A new in-memory scope each time: the restarted registry knows only what its journal gives back.
        String scope = "chaos-registry-" + settings.seed() + "-" + (++registryGeneration);
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                registry = LocalSchemaRegistryServer.start(scope, registryPort, registryJournal);
                closing.add(registry);
                if (registryGeneration > 1) {
                    MockSchemaRegistry.dropScope("chaos-registry-" + settings.seed() + "-" + (registryGeneration - 1));
                }
                return;
            } catch (IllegalStateException e) {
                failure = e; // the port may linger a moment after close
                hold(Duration.ofMillis(250), "registry port free");
            }
        }
        throw failure;
    }

    private String registryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    private List<ChildJvm> allServices() {
        List<ChildJvm> all = new ArrayList<>(processors);
        all.addAll(bridges);
        all.addAll(sinks);
        return all;
    }

    private void stopServices() {
        List<ChildJvm> all = allServices();
        if (extraProcessor != null) {
            all.add(extraProcessor);
        }
        List<Thread> stopping = new ArrayList<>();
        for (ChildJvm service : all) {
            Thread t = new Thread(() -> service.stop(15), "stop-" + service.name());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    private void note(String format, Object... args) {
        String line = String.format("[%4ds] ", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos))
                + String.format(format, args);
        faultLog.add(line);
        if (runLog != null) {
            try {
                Files.writeString(
                        runLog,
                        line + System.lineSeparator(),
                        java.nio.charset.StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.warn("cannot append to {}: {}", runLog, e.toString());
            }
        }
        out.println(line);
        out.flush();
        LOG.info(line);
    }

    private static void hold(Duration duration, String what) {
        // A fixed, bounded hold: the fault lasts this long by design; nothing is polled.
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while holding: " + what, e);
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
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
