package io.runflowkafka.chaos;

import io.runflowkafka.bridge.WebhookBridgeMain;
import io.runflowkafka.processor.ProcessorMain;
import io.runflowkafka.sink.StorageSinkMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The run's service instances, each its own JVM started by main class as an operator would: the processors (and a
 * spare one that joins for a rebalance), the bridges and the sinks. It restarts an instance that exits on its own,
 * as a supervisor would, and stops every instance by its own PID.
 */
final class ServiceFleet {

    static final int PROCESSORS = 3;
    static final int BRIDGES = 2;
    static final int SINKS = 2;

    private final RunLog log;
    private final List<ChildJvm> processors = new ArrayList<>();
    private final List<ChildJvm> bridges = new ArrayList<>();
    private final List<ChildJvm> sinks = new ArrayList<>();
    private final ChildJvm spareProcessor;
    private final AtomicInteger selfExits = new AtomicInteger();

    /** Each function gives the environment of instance {@code i} (1-based) of its kind; nothing starts yet. */
    ServiceFleet(
            Path logs,
            IntFunction<Map<String, String>> bridgeEnv,
            IntFunction<Map<String, String>> processorEnv,
            IntFunction<Map<String, String>> sinkEnv,
            RunLog log) {
        this.log = log;
        for (int i = 1; i <= BRIDGES; i++) {
            bridges.add(service(logs, "bridge-" + i, WebhookBridgeMain.class, bridgeEnv.apply(i), "256m"));
        }
        for (int i = 1; i <= PROCESSORS; i++) {
            processors.add(service(logs, "processor-" + i, ProcessorMain.class, processorEnv.apply(i), "384m"));
        }
        int spare = PROCESSORS + 1;
        spareProcessor = service(logs, "processor-" + spare, ProcessorMain.class, processorEnv.apply(spare), "384m");
        for (int i = 1; i <= SINKS; i++) {
            sinks.add(service(logs, "sink-" + i, StorageSinkMain.class, sinkEnv.apply(i), "256m"));
        }
    }

    private static ChildJvm service(Path logs, String name, Class<?> main, Map<String, String> env, String heap) {
        return new ChildJvm(name, main.getName(), List.of(), env, logs.resolve(name + ".log"), heap);
    }

    List<ChildJvm> processors() {
        return processors;
    }

    List<ChildJvm> bridges() {
        return bridges;
    }

    List<ChildJvm> sinks() {
        return sinks;
    }

    /** The processor that is not part of the steady fleet: a fault starts it and stops it again. */
    ChildJvm spareProcessor() {
        return spareProcessor;
    }

    int selfExits() {
        return selfExits.get();
    }

    /** Starts every instance but the spare processor. */
    void startAll() {
        steady().forEach(ChildJvm::start);
    }

    /** An instance that exited on its own is counted, logged and restarted, as an orchestrator would. */
    void supervise() {
        for (ChildJvm service : steady()) {
            Integer exit = service.exitedOnItsOwn();
            if (exit != null) {
                selfExits.incrementAndGet();
                log.note(
                        "supervisor: %s exited on its own (exit %d); restarting it (see %s)",
                        service, exit, service.log());
                service.start();
            }
        }
    }

    /** Wakes every paused instance and starts every one that is down (the spare processor stays as it is). */
    void reviveAll() {
        for (ChildJvm service : steady()) {
            service.resume();
            service.start();
        }
    }

    /** Stops every instance at once, each by SIGTERM with a 15 s bound, then SIGKILL. */
    void stopAll() {
        List<ChildJvm> all = steady();
        all.add(spareProcessor);
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

    private List<ChildJvm> steady() {
        List<ChildJvm> all = new ArrayList<>(processors);
        all.addAll(bridges);
        all.addAll(sinks);
        return all;
    }
}
