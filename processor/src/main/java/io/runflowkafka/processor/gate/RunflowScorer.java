package io.runflowkafka.processor.gate;

import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowException;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.schema.UploadEvent;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Scores uploads with Runflow's Score Image: {@code https://} images by URL, {@code s3://} (and, when
 * enabled, {@code file://}) images read by {@link LocalImages} and sent as a file.
 */
public final class RunflowScorer implements Scorer {

    private final RunflowClient client;
    private final LocalImages images;

    /**
     * @param client the process's Runflow client
     * @param s3 gives the S3 client on first use (built only when an s3:// upload arrives)
     * @param fileUrisEnabled whether file:// URIs may be read from this machine
     * @param fileReads where blocking file reads run, never the stream thread
     */
    public RunflowScorer(
            RunflowClient client, Supplier<S3AsyncClient> s3, boolean fileUrisEnabled, Executor fileReads) {
        this(client, new LocalImages(s3, fileUrisEnabled, fileReads));
    }

    /**
     * @param client the process's Runflow client
     * @param images reads s3:// and file:// images (shared with the headshot orders' submitter)
     */
    public RunflowScorer(RunflowClient client, LocalImages images) {
        this.client = client;
        this.images = images;
    }

    @Override
    public CompletableFuture<ScoreResult> score(UploadEvent upload) {
        URI uri;
        try {
            uri = new URI(upload.getImageUri());
        } catch (URISyntaxException e) {
            return refuse("image_uri is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            if (uri.getHost() == null || uri.getRawUserInfo() != null) {
                return refuse("https image_uri needs a host and no user info");
            }
            return client.scoreImageUrl(uri.toString());
        }
        return images.read(upload.getImageUri(), upload.getContentType()).thenCompose(client::scoreImageFile);
    }

    private static CompletableFuture<ScoreResult> refuse(String reason) {
        return CompletableFuture.failedFuture(new InvalidImageReferenceException(reason));
    }

    /**
     * The object store holding the upload's image did not answer, or answered that it is overloaded or failing;
     * retryable, so the upload waits instead of being dead-lettered. A {@link RunflowException} only because that is
     * what the processor's retry policy classifies.
     */
    public static final class ImageStoreUnavailableException extends RunflowException {
        private static final long serialVersionUID = 1L;

        public ImageStoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean isRetryable() {
            return true;
        }
    }

    /** The upload's image reference cannot be used; permanent, so the upload is dead-lettered. */
    public static final class InvalidImageReferenceException extends IOException {
        private static final long serialVersionUID = 1L;

        public InvalidImageReferenceException(String message) {
            super(message);
        }
    }
}
