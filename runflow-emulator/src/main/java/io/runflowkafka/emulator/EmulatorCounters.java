package io.runflowkafka.emulator;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of what the emulator served; {@link #snapshot()} gives a consistent-enough copy. */
public final class EmulatorCounters {

    /** Delivery attempts kept for inspection; older ones are dropped. */
    static final int MAX_CALLBACK_ATTEMPTS = 10_000;

    final LongAdder scoreRequests = new LongAdder();
    final LongAdder scoreAnalyses = new LongAdder();
    final LongAdder scoreCacheHits = new LongAdder();
    final LongAdder headshotSubmissions = new LongAdder();
    final LongAdder headshotJobsCompleted = new LongAdder();
    final LongAdder runsCreated = new LongAdder();
    final LongAdder callbacksAttempted = new LongAdder();
    final LongAdder callbacksDelivered = new LongAdder();
    final LongAdder callbacksFailedAttempts = new LongAdder();
    final LongAdder callbacksAbandoned = new LongAdder();
    final LongAdder imagesServed = new LongAdder();
    final LongAdder imagesExpired = new LongAdder();
    final LongAdder faultsInjected = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byRoute = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<CallbackAttempt> attempts = new ConcurrentLinkedDeque<>();
    private final AtomicInteger attemptCount = new AtomicInteger();

    EmulatorCounters() {}

    void response(String method, String route, int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        byRoute.computeIfAbsent(method + " " + route + " " + status, r -> new LongAdder())
                .increment();
    }

    void callbackAttempt(CallbackAttempt attempt) {
        callbacksAttempted.increment();
        if (attempt.delivered()) {
            callbacksDelivered.increment();
        } else {
            callbacksFailedAttempts.increment();
        }
        attempts.addLast(attempt);
        if (attemptCount.incrementAndGet() > MAX_CALLBACK_ATTEMPTS && attempts.pollFirst() != null) {
            attemptCount.decrementAndGet();
        }
    }

    /** A copy of every counter. */
    public CountersSnapshot snapshot() {
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((status, count) -> statuses.put(status, count.sum()));
        Map<String, Long> routes = new TreeMap<>();
        byRoute.forEach((route, count) -> routes.put(route, count.sum()));
        return new CountersSnapshot(
                scoreRequests.sum(),
                scoreAnalyses.sum(),
                scoreCacheHits.sum(),
                headshotSubmissions.sum(),
                headshotJobsCompleted.sum(),
                runsCreated.sum(),
                callbacksAttempted.sum(),
                callbacksDelivered.sum(),
                callbacksFailedAttempts.sum(),
                callbacksAbandoned.sum(),
                imagesServed.sum(),
                imagesExpired.sum(),
                faultsInjected.sum(),
                statuses,
                routes,
                new ArrayList<>(attempts));
    }

    /** Sets every counter back to zero and forgets the delivery attempts. */
    public void reset() {
        for (LongAdder adder : new LongAdder[] {
            scoreRequests,
            scoreAnalyses,
            scoreCacheHits,
            headshotSubmissions,
            headshotJobsCompleted,
            runsCreated,
            callbacksAttempted,
            callbacksDelivered,
            callbacksFailedAttempts,
            callbacksAbandoned,
            imagesServed,
            imagesExpired,
            faultsInjected
        }) {
            adder.reset();
        }
        byStatus.clear();
        byRoute.clear();
        attempts.clear();
        attemptCount.set(0);
    }
}
