package io.runflowkafka.processor.async;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every task of one processor instance shares: the cap on Runflow calls in flight, the optional
 * request-rate limit, the clock that times calls and their retries, and the halt switch thrown by a 401/403.
 *
 * <p>A permit is held from a call's first attempt until its final answer (retries included), so during
 * an outage the retrying calls fill the cap and new input waits: the processor holds its work instead
 * of dead-lettering it.
 */
public final class CallLimiter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallLimiter.class);

    /** Ten minutes: long past any transient fault of one call, short of holding an order all day. */
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(10);

    private final int maxInFlight;
    private final LoneFailures loneFailures;

    private final CallClock clock;
    private volatile long noOutputProbeBeforeNanos;
    private final Semaphore permits;
    private final RateLimiter rateLimiter;
    private final AtomicReference<String> haltReason = new AtomicReference<>();
    private volatile Consumer<String> onHalt = reason -> {};
    private final AtomicInteger tasksHoldingOutput = new AtomicInteger();
    private final AtomicInteger pendingCalls = new AtomicInteger();
    private final AtomicInteger openEngines = new AtomicInteger();
    private volatile long outputsDeferredUntilMs;
    private volatile Consumer<Optional<String>> onOutputStatus = reason -> {};

    /**
     * Creates the limiter.
     *
     * @param maxInFlight most calls in flight at once across all tasks of this instance
     * @param requestsPerSecond request-rate cap, or 0 for none
     */
    public CallLimiter(int maxInFlight, double requestsPerSecond) {
        this(maxInFlight, requestsPerSecond, DEFAULT_GIVE_UP_AFTER);
    }

    /**
     * Creates the limiter.
     *
     * @param maxInFlight most calls in flight at once across all tasks of this instance
     * @param requestsPerSecond request-rate cap, or 0 for none
     * @param giveUpAfter how long a call may keep failing retryably while other calls succeed before its record
     *     is dead-lettered; while no call succeeds (an outage) nothing is given up
     */
    public CallLimiter(int maxInFlight, double requestsPerSecond, Duration giveUpAfter) {
        this(maxInFlight, requestsPerSecond, giveUpAfter, CallClock.system());
    }

    /**
     * Creates the limiter on a clock of the caller's (a test's); the limiter closes it when it is closed.
     *
     * @param maxInFlight most calls in flight at once across all tasks of this instance
     * @param requestsPerSecond request-rate cap, or 0 for none
     * @param giveUpAfter how long a call may keep failing retryably while other calls succeed before its record
     *     is dead-lettered; while no call succeeds (an outage) nothing is given up
     * @param clock what times calls and runs their retries (the request-rate cap keeps its own time)
     */
    public CallLimiter(int maxInFlight, double requestsPerSecond, Duration giveUpAfter, CallClock clock) {
        this.loneFailures = new LoneFailures(giveUpAfter);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max-in-flight must be at least 1 but was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
        this.rateLimiter = requestsPerSecond <= 0 ? null : rateLimiter(requestsPerSecond);
        this.clock = clock;
        this.noOutputProbeBeforeNanos = clock.nanoTime();
    }

    private static RateLimiter rateLimiter(double requestsPerSecond) {
        // About 100 refills a second, so a rate of hundreds per second is spread, not sent in one burst.
        int perPeriod = (int) Math.ceil(requestsPerSecond / 100.0);
        long periodNanos = Math.round(perPeriod * 1e9 / requestsPerSecond);
        return RateLimiter.of(
                "runflow",
                RateLimiterConfig.custom()
                        .limitForPeriod(perPeriod)
                        .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                        .timeoutDuration(Duration.ZERO)
                        .build());
    }

    /** Takes a slot for a new call if one is free and the rate allows it now; never blocks. */
    boolean tryAcquire() {
        if (halted() || !permits.tryAcquire()) {
            return false;
        }
        if (rateLimiter != null && !rateLimiter.acquirePermission()) {
            permits.release();
            return false;
        }
        return true;
    }

    /** Asks the rate limiter for one more request (a retry of a call that already holds a slot). */
    Duration reserveRetry() {
        if (rateLimiter == null) {
            return Duration.ZERO;
        }
        long nanos = rateLimiter.reservePermission();
        return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
    }

    /** Which failing calls fail alone, across the tasks of this instance. */
    LoneFailures loneFailures() {
        return loneFailures;
    }

    /** No task probes the registry with a held output before this time (the {@link #clock()}'s nanoseconds). */
    long noOutputProbeBeforeNanos() {
        return noOutputProbeBeforeNanos;
    }

    void noOutputProbeBefore(long nanos) {
        if (nanos - noOutputProbeBeforeNanos > 0) {
            noOutputProbeBeforeNanos = nanos;
        }
    }

    /** Gives a slot back. */
    void release() {
        permits.release();
    }

    /** What times calls and runs their retries. */
    CallClock clock() {
        return clock;
    }

    /** The configured cap. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Calls holding a slot right now. */
    public int inFlight() {
        return maxInFlight - permits.availablePermits();
    }

    /** Stops every new call: Runflow refused our credentials, which no retry can fix. */
    void halt(String reason) {
        if (haltReason.compareAndSet(null, reason)) {
            LOG.error("{}", reason);
            onHalt.accept(reason);
        }
    }

    /** True once a call was refused for its credentials. */
    public boolean halted() {
        return haltReason.get() != null;
    }

    /** Why calls were halted, if they were. */
    public Optional<String> haltReason() {
        return Optional.ofNullable(haltReason.get());
    }

    /** Outputs of every task wait until this time (task wall clock, ms) after one found the registry down. */
    long outputsDeferredUntilMs() {
        return outputsDeferredUntilMs;
    }

    void deferOutputs(long untilMs) {
        if (untilMs > outputsDeferredUntilMs) {
            outputsDeferredUntilMs = untilMs;
        }
    }

    void engineOpened() {
        openEngines.incrementAndGet();
    }

    void engineClosed() {
        openEngines.decrementAndGet();
    }

    /** Tasks of this instance that make calls (each holds at most its own bound of pending calls). */
    public int openEngines() {
        return openEngines.get();
    }

    void pendingAdded() {
        pendingCalls.incrementAndGet();
    }

    void pendingRemoved(int count) {
        pendingCalls.addAndGet(-count);
    }

    /** Calls accepted by the tasks of this instance and not answered yet (in flight, retrying or queued). */
    public int pendingCalls() {
        return pendingCalls.get();
    }

    /** A task began holding answers whose output cannot be written now (the registry is unreachable). */
    void outputHeld(String reason) {
        tasksHoldingOutput.incrementAndGet();
        onOutputStatus.accept(Optional.of(reason));
    }

    /** A task that held answers wrote them, or was closed. */
    void outputReleased() {
        if (tasksHoldingOutput.decrementAndGet() == 0) {
            onOutputStatus.accept(Optional.empty());
        }
    }

    /** Tasks of this instance holding answers because their output cannot be written now. */
    public int tasksHoldingOutput() {
        return tasksHoldingOutput.get();
    }

    /**
     * Registers what to do when outputs are held (with the reason: report unready) and when no task holds any
     * more (empty: ready again).
     */
    public void onOutputStatus(Consumer<Optional<String>> action) {
        this.onOutputStatus = action;
    }

    /** Registers what to do (once) when calls are halted: report unready, stop the application. */
    public void onHalt(Consumer<String> action) {
        this.onHalt = action;
    }

    @Override
    public void close() {
        clock.close();
    }
}
