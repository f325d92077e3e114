package io.runflowkafka.processor.gate;

import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.schema.UploadEvent;
import java.util.concurrent.CompletableFuture;

/**
 * Scores one uploaded photo. The topology talks to this, not to an HTTP client, so topology tests use
 * an in-memory scorer and integration tests the real one against the emulator.
 */
@FunctionalInterface
public interface Scorer {

    /**
     * Starts scoring the upload's image; the future fails with a {@code RunflowException} (or an
     * {@code InvalidImageReferenceException} for an unusable URI) when it cannot be scored.
     */
    CompletableFuture<ScoreResult> score(UploadEvent upload);
}
