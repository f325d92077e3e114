package io.runflowkafka.processor.orders;

import io.runflowkafka.client.HeadshotsSubmission;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Submits one Generate Headshots job. The topology talks to this, not to an HTTP client, so topology
 * tests use an in-memory submitter and integration tests the Runflow client against the emulator
 * ({@code RunflowClient::generateHeadshots} is one).
 */
@FunctionalInterface
public interface HeadshotsSubmitter {

    /**
     * Starts the job; the future fails with a {@code RunflowException} when Runflow does not accept it.
     *
     * @param callbackUrl the signed URL Runflow calls back (holds a secret token: never log it)
     * @param inputImageUrls the photos' URLs, sent as {@code input_images}
     */
    CompletableFuture<HeadshotsSubmission> submit(String callbackUrl, List<String> inputImageUrls);
}
