package io.runflowkafka.emulator;

import java.util.List;
import java.util.Map;

/**
 * What the emulator has served since it started (or since the last reset), for tests and benchmarks.
 *
 * @param scoreRequests Score Image requests received (every outcome)
 * @param scoreAnalyses photos actually decoded and analysed (cache misses)
 * @param scoreCacheHits scores answered from the cache
 * @param headshotSubmissions Generate Headshots jobs accepted
 * @param headshotJobsCompleted jobs whose 60 images were rendered
 * @param runsCreated Model API runs accepted
 * @param callbacksAttempted webhook delivery attempts, retries included
 * @param callbacksDelivered callbacks a receiver accepted with 2xx
 * @param callbacksFailedAttempts attempts answered non-2xx or failed below HTTP
 * @param callbacksAbandoned callbacks given up after the last retry
 * @param imagesServed generated images served with 200
 * @param imagesExpired image requests answered 410 because the TTL had passed
 * @param faultsInjected responses replaced by an injected fault (error status or outage)
 * @param responsesByStatus every response by HTTP status
 * @param responsesByRoute every response by {@code "METHOD /route/template STATUS"}
 * @param callbackAttempts the most recent delivery attempts, oldest first
 */
public record CountersSnapshot(
        long scoreRequests,
        long scoreAnalyses,
        long scoreCacheHits,
        long headshotSubmissions,
        long headshotJobsCompleted,
        long runsCreated,
        long callbacksAttempted,
        long callbacksDelivered,
        long callbacksFailedAttempts,
        long callbacksAbandoned,
        long imagesServed,
        long imagesExpired,
        long faultsInjected,
        Map<Integer, Long> responsesByStatus,
        Map<String, Long> responsesByRoute,
        List<CallbackAttempt> callbackAttempts) {

    /** Freezes the collections. */
    public CountersSnapshot {
        responsesByStatus = Map.copyOf(responsesByStatus);
        responsesByRoute = Map.copyOf(responsesByRoute);
        callbackAttempts = List.copyOf(callbackAttempts);
    }

    /** Responses sent with this status, 0 when none. */
    public long responses(int status) {
        return responsesByStatus.getOrDefault(status, 0L);
    }
}
