package io.runflowkafka.processor.orders;

import io.runflowkafka.client.HeadshotsSubmission;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Submits one Generate Headshots job. The topology talks to this, not to an HTTP client, so topology
 * tests use an in-memory submitter and integration tests the Runflow one against the emulator
 * ({@link RunflowHeadshotsSubmitter}).
 */
@FunctionalInterface
public interface HeadshotsSubmitter {

    /**
     * Starts the job; the future fails with a {@code RunflowException} when Runflow does not accept it.
     *
     * @param callbackUrl the signed URL Runflow calls back (holds a secret token: never log it)
     * @param imageUris the order's photos as collected: all {@code http(s)://} URLs, or all {@code s3://} and
     *     {@code file://} URIs (see {@code OrderCollector})
     */
    CompletableFuture<HeadshotsSubmission> submit(String callbackUrl, List<String> imageUris);
}
