package io.runflowkafka.common.service;

import java.util.concurrent.CompletableFuture;

/**
 * A started service (processor, webhook bridge, storage sink): {@link #close()} stops it, and {@link #stoppedForGood()}
 * tells when it stopped on its own and must be started again. Starting is a static factory's job; a constructor
 * does no I/O.
 */
public interface RunningService extends AutoCloseable {

    /**
     * Completes, with a reason a human can act on, when the service has stopped on its own and will not recover
     * (for example Kafka Streams in ERROR). It does not complete on {@link #close()}.
     */
    CompletableFuture<String> stoppedForGood();

    /** Stops the service gracefully and releases what it holds; idempotent. */
    @Override
    void close();
}
