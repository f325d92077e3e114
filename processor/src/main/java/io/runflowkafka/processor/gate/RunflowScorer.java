package io.runflowkafka.processor.gate;

import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowException;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.schema.UploadEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Scores uploads with Runflow's Score Image: {@code https://} images by URL, {@code s3://} (and, when
 * enabled, {@code file://}) images by reading the bytes here and sending them as a file.
 */
public final class RunflowScorer implements Scorer {

    private static final Pattern S3_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final RunflowClient client;
    private final Supplier<S3AsyncClient> s3;
    private final boolean fileUrisEnabled;
    private final Executor fileReads;

    /**
     * @param client the process's Runflow client
     * @param s3 gives the S3 client on first use (built only when an s3:// upload arrives)
     * @param fileUrisEnabled whether file:// URIs may be read from this machine
     * @param fileReads where blocking file reads run, never the stream thread
     */
    public RunflowScorer(
            RunflowClient client, Supplier<S3AsyncClient> s3, boolean fileUrisEnabled, Executor fileReads) {
        this.client = client;
        this.s3 = s3;
        this.fileUrisEnabled = fileUrisEnabled;
        this.fileReads = fileReads;
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
        switch (scheme) {
            case "https":
                if (uri.getHost() == null || uri.getRawUserInfo() != null) {
                    return refuse("https image_uri needs a host and no user info");
                }
                return client.scoreImageUrl(uri.toString());
            case "s3":
                if (uri.getHost() == null
                        || uri.getPath() == null
                        || uri.getPath().length() < 2) {
                    return refuse("s3 image_uri must be s3://bucket/key");
                }
                if (!S3_BUCKET.matcher(uri.getHost()).matches()) {
                    // Refused here: the SDK would fail it as a client error, which reads as "S3 unreachable" and waits.
                    return refuse("'" + uri.getHost() + "' is not a valid S3 bucket name");
                }
                GetObjectRequest request = GetObjectRequest.builder()
                        .bucket(uri.getHost())
                        .key(uri.getPath().substring(1))
                        .build();
                return s3.get()
                        .getObject(request, AsyncResponseTransformer.toBytes())
                        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(s3Failure(uri, failure)))
                        .thenCompose(bytes -> scoreBytes(bytes.asByteArray(), uri.getPath(), upload));
            case "file":
                if (!fileUrisEnabled) {
                    return refuse("file:// image URIs are disabled (processor.file-uris-enabled=false)");
                }
                return CompletableFuture.supplyAsync(() -> read(Path.of(uri)), fileReads)
                        .thenCompose(bytes -> scoreBytes(bytes, uri.getPath(), upload));
            default:
                return refuse("unsupported image_uri scheme '" + scheme + "': use https://, s3:// or file://");
        }
    }

    private CompletableFuture<ScoreResult> scoreBytes(byte[] bytes, String path, UploadEvent upload) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return client.scoreImageFile(bytes, name.isEmpty() ? "image" : name, contentType(bytes, upload));
    }

    /** The media type from the image's magic bytes, else what the upload said, else a generic one. */
    static String contentType(byte[] bytes, UploadEvent upload) {
        return ImageType.sniff(bytes)
                .map(ImageType::mediaType)
                .orElseGet(
                        () -> upload.getContentType() != null ? upload.getContentType() : "application/octet-stream");
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(new InvalidImageReferenceException(
                    "cannot read " + path + ": " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Sorts an S3 read failure: no answer (connection, time-out), 5xx, throttling → {@link ImageStoreUnavailableException},
     * retried while the upload waits; any other answer (no such key or bucket, access denied…) → the reference is
     * unusable and the upload is dead-lettered.
     */
    static Throwable s3Failure(URI uri, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof AwsServiceException answer) {
            int status = answer.statusCode();
            String code = answer.awsErrorDetails() == null
                    ? null
                    : answer.awsErrorDetails().errorCode();
            String what = "S3 answered HTTP " + status + (code == null ? "" : " " + code) + " reading " + uri;
            if (status >= 500 || status == 429 || status == 408 || answer.isThrottlingException()) {
                return new ImageStoreUnavailableException(what, cause);
            }
            return new InvalidImageReferenceException(what);
        }
        if (cause instanceof SdkClientException || cause instanceof IOException) {
            return new ImageStoreUnavailableException(
                    "cannot reach S3 reading " + uri + " (" + cause.getClass().getSimpleName() + ")", cause);
        }
        return cause;
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
