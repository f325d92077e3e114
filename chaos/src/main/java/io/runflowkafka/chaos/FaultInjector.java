package io.runflowkafka.chaos;

import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Injects one fault at a time, every kind in one shape: say what breaks, break it, keep it broken for a set time,
 * repair it. Victims and lengths are drawn from the run's random, in the order the seed has always drawn them, and
 * every fault injected is counted.
 */
final class FaultInjector {

    /** Runflow as it answers when no fault is on: slow, but every call succeeds. */
    static final FaultSettings BASE_FAULTS = FaultSettings.NONE.withLatency(LatencySpec.parse("uniform:200-400"));

    private final SplittableRandom random;
    private final Duration pause;
    private final RunLog log;
    private final ServiceFleet services;
    private final BrokerCluster cluster;
    private final RestartableRegistry registry;
    private final RunflowEmulator emulator;
    private final Map<Fault, Integer> injected = Collections.synchronizedMap(new EnumMap<>(Fault.class));

    FaultInjector(
            SplittableRandom random,
            Duration pause,
            RunLog log,
            ServiceFleet services,
            BrokerCluster cluster,
            RestartableRegistry registry,
            RunflowEmulator emulator) {
        this.random = random;
        this.pause = pause;
        this.log = log;
        this.services = services;
        this.cluster = cluster;
        this.registry = registry;
        this.emulator = emulator;
    }

    /** One fault: announced, broken, held broken for its length, repaired. */
    private record Disruption(
            String announcement, Runnable breakIt, Duration length, String holding, Runnable repair) {}

    void inject(Fault fault) {
        injected.merge(fault, 1, Integer::sum);
        Disruption disruption = switch (fault) {
            case KILL_PROCESSOR -> killAndRestart(pick(services.processors()));
            case KILL_BRIDGE -> killAndRestart(pick(services.bridges()));
            case KILL_SINK -> killAndRestart(pick(services.sinks()));
            case PAUSE_PROCESSOR -> pause(pick(services.processors()));
            case KILL_BROKER -> killBroker(random.nextInt(BrokerCluster.SIZE));
            case SCALE_OUT -> scaleOut(services.spareProcessor());
            case RUNFLOW_BURST -> runflowBurst();
            case RUNFLOW_OUTAGE -> runflowOutage();
            case REGISTRY_OUTAGE -> registryOutage();
        };
        log.note("%s", disruption.announcement());
        disruption.breakIt().run();
        Hold.hold(disruption.length(), disruption.holding());
        disruption.repair().run();
    }

    /** Ends every fault still in force: Runflow answers, every service and broker is running. */
    void heal() {
        emulator.faults().set(BASE_FAULTS);
        services.reviveAll();
        cluster.nodes().forEach(ChildJvm::start);
    }

    /** How many of each kind were injected, as {@code {KILL_PROCESSOR=1, ...}}. */
    Map<Fault, Integer> injected() {
        return injected;
    }

    int kills() {
        return count(Fault.KILL_PROCESSOR) + count(Fault.KILL_BRIDGE) + count(Fault.KILL_SINK);
    }

    int pauses() {
        return count(Fault.PAUSE_PROCESSOR);
    }

    int brokerRestarts() {
        return count(Fault.KILL_BROKER);
    }

    private int count(Fault fault) {
        return injected.getOrDefault(fault, 0);
    }

    private ChildJvm pick(List<ChildJvm> candidates) {
        return candidates.get(random.nextInt(candidates.size()));
    }

    private Disruption killAndRestart(ChildJvm victim) {
        return new Disruption(
                "fault: SIGKILL " + victim,
                victim::kill,
                Duration.ofMillis(500 + random.nextInt(2500)),
                victim.name() + " down",
                victim::start);
    }

    private Disruption pause(ChildJvm victim) {
        return new Disruption(
                String.format(
                        "fault: SIGSTOP %s for %ss (session time-out 6 s, transaction time-out 10 s)",
                        victim, pause.toSeconds()),
                victim::pause,
                pause,
                victim.name() + " frozen",
                () -> {
                    victim.resume();
                    log.note("fault: SIGCONT %s: a zombie wakes up", victim);
                });
    }

    private Disruption killBroker(int index) {
        ChildJvm node = cluster.nodes().get(index);
        return new Disruption(
                "fault: SIGKILL " + node + " (leader failover with transactions open)",
                node::kill,
                Duration.ofSeconds(4 + random.nextInt(5)),
                node.name() + " down",
                () -> restartBroker(index + 1, node));
    }

    private void restartBroker(int id, ChildJvm node) {
        node.start();
        try {
            cluster.awaitNodeServing(id, Duration.ofMinutes(2));
        } catch (ConditionTimeoutException e) {
            log.note("warning: %s not serving 2 min after its restart", node.name());
        }
        log.note("fault: %s restarted; waiting for its replicas to catch up", node);
        try {
            cluster.awaitFullyReplicated(ChaosTopics.DEFAULTS.all(), Duration.ofMinutes(2));
        } catch (ConditionTimeoutException e) {
            log.note("warning: %s's replicas not all in sync after 2 min", node.name());
        }
    }

    private Disruption scaleOut(ChildJvm spare) {
        return new Disruption(
                "fault: a 4th processor joins (rebalance)",
                spare::start,
                Duration.ofSeconds(15),
                "4 processors",
                () -> {
                    log.note("fault: the 4th processor leaves (SIGTERM, rebalance)");
                    spare.stop(30);
                });
    }

    private Disruption runflowBurst() {
        FaultSettings burst =
                BASE_FAULTS.withErrorRate(429, 0.3).withErrorRate(503, 0.2).withRetryAfter(Duration.ofSeconds(1));
        return new Disruption(
                "fault: Runflow answers 429 (30%, Retry-After 1 s) and 503 (20%) for 8 s",
                () -> emulator.faults().set(burst),
                Duration.ofSeconds(8),
                "Runflow 429/503 burst",
                () -> emulator.faults().set(BASE_FAULTS));
    }

    private Disruption runflowOutage() {
        return new Disruption(
                "fault: Runflow outage for 10 s",
                () -> emulator.faults().outageFor(Duration.ofSeconds(10)),
                Duration.ofSeconds(10),
                "Runflow outage",
                () -> emulator.faults().endOutage());
    }

    private Disruption registryOutage() {
        return new Disruption(
                "fault: schema registry down for 8 s", registry::stop, Duration.ofSeconds(8), "registry outage", () -> {
                    registry.start();
                    log.note("fault: schema registry back on port %d (journal replayed)", registry.port());
                });
    }
}
