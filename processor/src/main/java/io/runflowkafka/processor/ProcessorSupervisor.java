package io.runflowkafka.processor;

import io.runflowkafka.common.concurrent.DaemonThreads;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.processor.async.CallLimiter;
import io.runflowkafka.serde.SchemaRegistryAuthException;
import io.runflowkafka.serde.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a running processor: turns Kafka Streams' state and the Runflow calls' status into health, replaces a
 * failed stream thread when a new one can do better, and says when the processor has stopped for good.
 */
final class ProcessorSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorSupervisor.class);
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(5);
    private static final int MAX_THREAD_FAILURES = 5;
    private static final Duration THREAD_FAILURE_WINDOW = Duration.ofMinutes(10);

    private final Health health;
    private final ArrayDeque<Long> threadFailures = new ArrayDeque<>();
    private final AtomicReference<String> failureReason = new AtomicReference<>();
    private final CompletableFuture<String> stoppedForGood = new CompletableFuture<>();

    ProcessorSupervisor(Health health) {
        this.health = health;
    }

    /**
     * Listens to {@code streams} and {@code limiter}; when the limiter halts (Runflow refuses the key), closes
     * {@code streams} within {@code shutdownTimeout}.
     */
    void watch(KafkaStreams streams, CallLimiter limiter, Duration shutdownTimeout) {
        health.down("kafka-streams", "starting");
        health.up("runflow", "calls allowed");
        streams.setStateListener((now, before) -> onStateChange(now));
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        limiter.onOutputStatus(reason -> reason.ifPresentOrElse(
                why -> health.down("outputs", "answers held until their output can be written: " + why),
                () -> health.up("outputs", "written")));
        limiter.onHalt(reason -> {
            health.down("runflow", reason);
            // close() waits for the stream threads, so it must not run on one of them.
            DaemonThreads.named("processor-halt")
                    .newThread(() -> streams.close(shutdownTimeout))
                    .start();
        });
    }

    /**
     * Completes, with the reason, when Kafka Streams has stopped for good (state ERROR): the instance does no work
     * any more and should exit, so that its supervisor starts it again.
     */
    CompletableFuture<String> stoppedForGood() {
        return stoppedForGood;
    }

    /**
     * Replaces a failed stream thread (its tasks are closed dirty and resumed from their changelogs by the new one)
     * unless the failure cannot be fixed that way: an Error, a deleted input topic, credentials the schema registry
     * refuses, or a fifth failure within ten minutes. Then the client stops, reaches ERROR, and
     * {@link #stoppedForGood()} says why.
     */
    StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryUnavailableException) {
                // An outage, not bad data: back off, then let a new thread take the same records again.
                LOG.warn("schema registry unreachable ({}); retrying in {}", cause.getMessage(), REGISTRY_BACKOFF);
                health.down("schema-registry", "unreachable: " + cause.getMessage());
                sleep(REGISTRY_BACKOFF);
                health.up("schema-registry", "retrying");
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        // No new thread can fix these: a JVM error, an input topic deleted, credentials the registry refuses.
        boolean unrecoverable = failure instanceof Error
                || causedBy(failure, MissingSourceTopicException.class)
                || causedBy(failure, SchemaRegistryAuthException.class);
        long now = System.nanoTime();
        synchronized (threadFailures) {
            while (!threadFailures.isEmpty() && now - threadFailures.peekFirst() > THREAD_FAILURE_WINDOW.toNanos()) {
                threadFailures.pollFirst();
            }
            threadFailures.addLast(now);
            if (!unrecoverable && threadFailures.size() < MAX_THREAD_FAILURES) {
                LOG.warn(
                        "stream thread failed ({} of {} allowed within {}); a new thread takes its tasks over",
                        threadFailures.size(),
                        MAX_THREAD_FAILURES - 1,
                        THREAD_FAILURE_WINDOW,
                        failure);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        LOG.error(
                "stream thread failed and cannot be replaced ({}); the processor stops taking work",
                unrecoverable ? "not recoverable" : MAX_THREAD_FAILURES + " failures within " + THREAD_FAILURE_WINDOW,
                failure);
        health.fatal(
                "kafka-streams", "stream thread failed: " + failure.getClass().getSimpleName());
        failureReason.compareAndSet(null, failure.getClass().getName() + ": " + failure.getMessage());
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private void onStateChange(KafkaStreams.State state) {
        switch (state) {
            case RUNNING -> health.up("kafka-streams", "running");
            case REBALANCING -> health.up("kafka-streams", "rebalancing");
            case ERROR -> {
                health.fatal("kafka-streams", "in ERROR state");
                String reason = failureReason.get();
                stoppedForGood.complete(reason == null ? "Kafka Streams reached its ERROR state" : reason);
            }
            default -> health.down("kafka-streams", state.name().toLowerCase());
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
