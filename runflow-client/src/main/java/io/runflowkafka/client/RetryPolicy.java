package io.runflowkafka.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * When and how long to wait before trying a failed Runflow call again: exponential backoff with
 * jitter, the server's {@code Retry-After} honoured, and caps on attempts and on total time. Only
 * failures whose {@link RunflowException#isRetryable()} is true are retried, so 401, 403 and other
 * 4xx never are.
 *
 * <p>Written here rather than taken from a resilience library because callers need the bare
 * {@link #nextDelay} decision (the processor pauses its input on it), which those libraries hide
 * inside their executors.
 */
public final class RetryPolicy {

    /** Told before each retry, e.g. to log or count it. */
    @FunctionalInterface
    public interface RetryListener {
        /**
         * Called when a failed attempt will be retried.
         *
         * @param attempt the number of the attempt that failed, from 1
         * @param failure why it failed (unwrapped from {@link CompletionException})
         * @param delay how long the policy waits before the next attempt
         */
        void onRetry(int attempt, Throwable failure, Duration delay);
    }

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;
    private final Duration maxTotalTime;
    private final DoubleSupplier random;

    private RetryPolicy(Builder builder) {
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.multiplier = builder.multiplier;
        this.jitter = builder.jitter;
        this.maxAttempts = builder.maxAttempts;
        this.maxTotalTime = builder.maxTotalTime;
        this.random = builder.random;
    }

    /**
     * Starts a policy with the defaults: 200 ms initial backoff doubling up to 30 s, 20 % jitter,
     * 6 attempts, 2 minutes in total.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The default policy (see {@link #builder()}). */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** A policy that never retries. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    /**
     * Decides whether to try again after a failure, and when.
     *
     * @param attempt how many attempts have been made so far, from 1
     * @param failure why the last attempt failed (a {@link CompletionException} is unwrapped)
     * @param elapsed time since the first attempt started
     * @return the delay before the next attempt, or empty to give up
     */
    public Optional<Duration> nextDelay(int attempt, Throwable failure, Duration elapsed) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1");
        }
        Throwable cause = unwrap(failure);
        if (!isRetryable(cause) || attempt >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = serverRequestedDelay(cause).orElseGet(() -> backoff(attempt));
        if (elapsed.plus(delay).compareTo(maxTotalTime) > 0) {
            return Optional.empty();
        }
        return Optional.of(delay);
    }

    /**
     * Whether this policy would ever retry the failure (ignoring attempt and time caps).
     *
     * @param failure a failure, possibly wrapped in a {@link CompletionException}
     * @return true for a retryable {@link RunflowException}
     */
    public boolean isRetryable(Throwable failure) {
        return unwrap(failure) instanceof RunflowException runflow && runflow.isRetryable();
    }

    /**
     * Runs a call, retrying it on {@code scheduler} as this policy says; the waits hold no thread.
     *
     * @param call starts one attempt; called again for each retry
     * @param scheduler where the waits are scheduled
     * @param <T> the call's result
     * @return the first successful result, or the last failure (unwrapped) once the policy gives up;
     *     cancelling it stops further attempts
     */
    public <T> CompletableFuture<T> execute(Supplier<CompletableFuture<T>> call, ScheduledExecutorService scheduler) {
        return execute(call, scheduler, (attempt, failure, delay) -> {});
    }

    /**
     * Runs a call like {@link #execute(Supplier, ScheduledExecutorService)} and tells a listener
     * before each retry.
     *
     * @param call starts one attempt; called again for each retry
     * @param scheduler where the waits are scheduled
     * @param listener told before each retry
     * @param <T> the call's result
     * @return the first successful result, or the last failure once the policy gives up
     */
    public <T> CompletableFuture<T> execute(
            Supplier<CompletableFuture<T>> call, ScheduledExecutorService scheduler, RetryListener listener) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(call, scheduler, listener, result, 1, System.nanoTime());
        return result;
    }

    private <T> void attempt(
            Supplier<CompletableFuture<T>> call,
            ScheduledExecutorService scheduler,
            RetryListener listener,
            CompletableFuture<T> result,
            int attempt,
            long startNanos) {
        if (result.isDone()) {
            return;
        }
        CompletableFuture<T> future;
        try {
            future = Objects.requireNonNull(call.get(), "call returned null");
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            Optional<Duration> delay = nextDelay(attempt, cause, elapsed);
            if (delay.isEmpty() || result.isDone()) {
                result.completeExceptionally(cause);
                return;
            }
            try {
                listener.onRetry(attempt, cause, delay.get());
                scheduler.schedule(
                        () -> attempt(call, scheduler, listener, result, attempt + 1, startNanos),
                        delay.get().toNanos(),
                        TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                // A rejected schedule (scheduler shut down) or a failing listener ends the retries.
                e.addSuppressed(cause);
                result.completeExceptionally(e);
            }
        });
    }

    private Duration backoff(int attempt) {
        double base = initialBackoff.toNanos() * Math.pow(multiplier, attempt - 1);
        double capped = Math.min(base, maxBackoff.toNanos());
        // Jitter only shortens the wait, so maxBackoff stays a true ceiling.
        double jittered = capped * (1.0 - jitter * random.getAsDouble());
        return Duration.ofNanos(Math.max(0L, (long) jittered));
    }

    private static Optional<Duration> serverRequestedDelay(Throwable failure) {
        if (failure instanceof RateLimitedException rateLimited) {
            return rateLimited.retryAfter();
        }
        if (failure instanceof ServerErrorException serverError) {
            return serverError.retryAfter();
        }
        return Optional.empty();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Initial backoff. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Ceiling of the computed backoff (a server's {@code Retry-After} may exceed it). */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Factor between successive backoffs. */
    public double multiplier() {
        return multiplier;
    }

    /** Fraction (0–1) by which a backoff is randomly shortened. */
    public double jitter() {
        return jitter;
    }

    /** Attempts at most, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Time after the first attempt beyond which no retry starts. */
    public Duration maxTotalTime() {
        return maxTotalTime;
    }

    @Override
    public String toString() {
        return "RetryPolicy[initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff
                + ", multiplier=" + multiplier + ", jitter=" + jitter + ", maxAttempts=" + maxAttempts
                + ", maxTotalTime=" + maxTotalTime + "]";
    }

    /** Builds a {@link RetryPolicy}; see {@link RetryPolicy#builder()} for the defaults. */
    public static final class Builder {
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private double multiplier = 2.0;
        private double jitter = 0.2;
        private int maxAttempts = 6;
        private Duration maxTotalTime = Duration.ofMinutes(2);
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {}

        /** Sets the wait after the first failure (default 200 ms). */
        public Builder initialBackoff(Duration value) {
            this.initialBackoff = value;
            return this;
        }

        /** Sets the ceiling of computed waits (default 30 s). */
        public Builder maxBackoff(Duration value) {
            this.maxBackoff = value;
            return this;
        }

        /** Sets the growth factor between waits, at least 1 (default 2). */
        public Builder multiplier(double value) {
            this.multiplier = value;
            return this;
        }

        /** Sets the fraction (0–1) by which a wait is randomly shortened (default 0.2). */
        public Builder jitter(double value) {
            this.jitter = value;
            return this;
        }

        /** Sets the number of attempts at most, the first included (default 6). */
        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /** Sets the time after which no retry starts (default 2 min). */
        public Builder maxTotalTime(Duration value) {
            this.maxTotalTime = value;
            return this;
        }

        /** Replaces the source of jitter (uniform in [0, 1)), e.g. with a constant in tests. */
        public Builder random(DoubleSupplier value) {
            this.random = value;
            return this;
        }

        /** Validates and builds the policy. */
        public RetryPolicy build() {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(maxTotalTime, "maxTotalTime");
            Objects.requireNonNull(random, "random");
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
            }
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be >= 1");
            }
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be in [0, 1]");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            if (maxTotalTime.isNegative()) {
                throw new IllegalArgumentException("maxTotalTime must not be negative");
            }
            return new RetryPolicy(this);
        }
    }
}
