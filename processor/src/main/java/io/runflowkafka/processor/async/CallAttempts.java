package io.runflowkafka.processor.async;

import io.runflowkafka.client.ForbiddenException;
import io.runflowkafka.client.RetryPolicy;
import io.runflowkafka.client.UnauthorizedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Makes the attempts of a task's calls and judges each outcome, on the HTTP threads that bring them: a success or a
 * permanent failure is a final answer; a transient failure is retried after its backoff, unless the call has failed
 * alone past the deadline (then it is given up); a refused API key halts every call. Final answers only go into a
 * queue: they are forwarded on the stream thread.
 *
 * <p>A call holds its slot of the {@link CallLimiter} from its first attempt until its final answer.
 */
final class CallAttempts<P, R> {

    private final AsyncCallEngine.Handler<P, R> handler;
    private final AsyncCallEngine.Observer observer;
    private final CallLimiter limiter;
    private final RetryPolicy retryPolicy;
    private final CallClock clock;
    /** Calls of one kind (one handler class) judge each other: a lone failure is one while others of its kind succeed. */
    private final String kind;
    /** Where final answers go, to be forwarded on the stream thread. */
    private final Consumer<CallAnswer<P, R>> answers;
    /** True once the task is closed: answers are dropped and slots given back. */
    private final BooleanSupplier closed;

    CallAttempts(
            AsyncCallEngine.Handler<P, R> handler,
            AsyncCallEngine.Observer observer,
            CallLimiter limiter,
            RetryPolicy retryPolicy,
            Consumer<CallAnswer<P, R>> answers,
            BooleanSupplier closed) {
        this.handler = handler;
        this.observer = observer;
        this.limiter = limiter;
        this.retryPolicy = retryPolicy;
        this.clock = limiter.clock();
        this.kind = handler.getClass().getName();
        this.answers = answers;
        this.closed = closed;
    }

    /** Makes the first attempt of a call that has just taken its slot (stream thread). */
    void first(CallEntry<P> entry) {
        entry.firstStartNanos = clock.nanoTime();
        start(entry, 1);
    }

    private void start(CallEntry<P> entry, int attempt) {
        entry.attempts = attempt;
        long startNanos = clock.nanoTime();
        observer.started();
        CompletableFuture<R> call;
        try {
            call = handler.call(entry.payload);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((result, failure) -> judge(entry, attempt, startNanos, result, failure));
    }

    // Runs on an HTTP thread (or the caller's, for an already completed future): queues only.
    private void judge(CallEntry<P> entry, int attempt, long startNanos, R result, Throwable failure) {
        Throwable cause = unwrap(failure);
        observer.answered(Duration.ofNanos(clock.nanoTime() - startNanos), cause);
        if (closed.getAsBoolean()) {
            limiter.release();
            return;
        }
        if (cause == null) {
            limiter.loneFailures().succeeded(kind, clock.nanoTime());
            finish(CallAnswer.succeeded(entry, result));
        } else if (cause instanceof UnauthorizedException || cause instanceof ForbiddenException) {
            limiter.halt("Runflow refused the API key (" + cause.getMessage() + "): no more calls are made; "
                    + "set runflow.api-key to a valid key with the needed scope and restart the processor");
            finish(CallAnswer.halted(entry, cause));
        } else if (retryPolicy.isRetryable(cause)
                && limiter.loneFailures().shouldGiveUp(kind, entry, clock.nanoTime())) {
            Duration elapsed = Duration.ofNanos(clock.nanoTime() - entry.firstStartNanos);
            finish(CallAnswer.failed(
                    entry,
                    new GaveUpException(
                            "gave up after " + attempt + " attempts in " + elapsed.toSeconds()
                                    + " s while other calls succeeded; last failure: " + cause.getMessage(),
                            cause)));
        } else if (retryPolicy.isRetryable(cause)) {
            Duration elapsed = Duration.ofNanos(clock.nanoTime() - entry.firstStartNanos);
            var delay = retryPolicy.nextDelay(attempt, cause, elapsed);
            if (delay.isEmpty()) {
                finish(CallAnswer.failed(entry, cause));
                return;
            }
            Duration wait = max(delay.get(), limiter.reserveRetry());
            observer.retried(cause, wait);
            clock.schedule(() -> retry(entry, attempt + 1), wait);
        } else {
            finish(CallAnswer.failed(entry, cause));
        }
    }

    private void retry(CallEntry<P> entry, int attempt) {
        if (closed.getAsBoolean()) {
            limiter.release();
        } else if (limiter.halted()) {
            finish(CallAnswer.halted(entry, null));
        } else {
            start(entry, attempt);
        }
    }

    private void finish(CallAnswer<P, R> answer) {
        limiter.release();
        answers.accept(answer);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
