package io.runflowkafka.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.util.thread.Scheduler;

/** Polls a run until it reaches a terminal state; the waits between polls hold no thread. */
final class RunPoller {

    private final Function<String, CompletableFuture<ModelRun>> getRun;
    private final Scheduler scheduler;

    RunPoller(Function<String, CompletableFuture<ModelRun>> getRun, Scheduler scheduler) {
        this.getRun = getRun;
        this.scheduler = scheduler;
    }

    CompletableFuture<ModelRun> await(String id, Duration interval, Duration maxWait) {
        CompletableFuture<ModelRun> result = new CompletableFuture<>();
        poll(id, interval, maxWait, System.nanoTime() + maxWait.toNanos(), result);
        return result;
    }

    private void poll(
            String id, Duration interval, Duration maxWait, long deadline, CompletableFuture<ModelRun> result) {
        if (result.isDone()) {
            return;
        }
        getRun.apply(id).whenComplete((run, error) -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
            } else if (run.isTerminal()) {
                result.complete(run);
            } else if (System.nanoTime() + interval.toNanos() > deadline) {
                result.completeExceptionally(new RunflowTimeoutException(
                        "run " + id + " still " + run.statusCode() + " after " + maxWait,
                        RunflowTimeoutException.Kind.TOTAL,
                        null));
            } else {
                try {
                    scheduler.schedule(
                            () -> poll(id, interval, maxWait, deadline, result),
                            interval.toNanos(),
                            TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new ConnectionFailedException("client is closed", e));
                }
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
