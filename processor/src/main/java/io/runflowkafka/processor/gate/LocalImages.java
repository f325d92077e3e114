package io.runflowkafka.processor.gate;

import io.runflowkafka.client.ImageFile;
import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.processor.gate.RunflowScorer.ImageStoreUnavailableException;
import io.runflowkafka.processor.gate.RunflowScorer.InvalidImageReferenceException;
import java.io.IOException;
import java.io.InputStream;
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
 * Reads the images the processor sends to Runflow as files: {@code s3://bucket/key} with the S3 client, and
 * {@code file://} only when enabled. The one reader of both the quality gate (Score Image) and the headshot orders
 * (Generate Headshots), so that one URI policy holds for both. It never fetches {@code http(s)://}: those go to
 * Runflow as URLs, and a processor that downloaded them would fetch whatever an upload names.
 *
 * <p>A read that fails for lack of an answer (S3 unreachable, 5xx, throttling) fails with a retryable
 * {@link ImageStoreUnavailableException}; an unusable reference (file:// off, no such file or key, access denied,
 * bad bucket name, another scheme) with a permanent {@link InvalidImageReferenceException}.
 */
public final class LocalImages {

    private static final Pattern S3_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** Runflow publishes no limit; this is the emulator's, and a photo is far smaller. */
    public static final int DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

    private final Supplier<S3AsyncClient> s3;
    private final boolean fileUrisEnabled;
    private final int maxBytes;
    private final Executor fileReads;

    /** A reader with the default size cap ({@link #DEFAULT_MAX_BYTES}). */
    public LocalImages(Supplier<S3AsyncClient> s3, boolean fileUrisEnabled, Executor fileReads) {
        this(s3, fileUrisEnabled, DEFAULT_MAX_BYTES, fileReads);
    }

    /**
     * @param s3 gives the S3 client on first use (built only when an s3:// image is read)
     * @param fileUrisEnabled whether file:// URIs may be read from this machine
     * @param maxBytes the largest image read: never more than one byte past it is held, and a larger one is
     *     refused for good
     * @param fileReads where blocking file reads run, never the stream thread
     */
    public LocalImages(Supplier<S3AsyncClient> s3, boolean fileUrisEnabled, int maxBytes, Executor fileReads) {
        if (maxBytes < 1 || maxBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes must be in [1, Integer.MAX_VALUE)");
        }
        this.s3 = s3;
        this.fileUrisEnabled = fileUrisEnabled;
        this.maxBytes = maxBytes;
        this.fileReads = fileReads;
    }

    /** Whether the URI names an image this reader reads ({@code s3://} or {@code file://}), not one sent by URL. */
    public static boolean isLocal(String uri) {
        String scheme = scheme(uri);
        return scheme.equals("s3") || scheme.equals("file");
    }

    /**
     * Reads the image.
     *
     * @param imageUri an {@code s3://} or {@code file://} URI
     * @param declaredType the media type to report when the bytes are not a known image type; may be null
     * @return the image, named after the last segment of its path, typed by its magic bytes
     */
    public CompletableFuture<ImageFile> read(String imageUri, String declaredType) {
        URI uri;
        try {
            uri = new URI(imageUri);
        } catch (URISyntaxException e) {
            return refuse("image_uri is not a valid URI: " + e.getReason());
        }
        CompletableFuture<byte[]> bytes;
        switch (scheme(imageUri)) {
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
                // One byte past the cap at most: a larger object is told by its length, never held whole.
                GetObjectRequest request = GetObjectRequest.builder()
                        .bucket(uri.getHost())
                        .key(uri.getPath().substring(1))
                        .range("bytes=0-" + maxBytes)
                        .build();
                bytes = s3.get()
                        .getObject(request, AsyncResponseTransformer.toBytes())
                        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(s3Failure(uri, failure)))
                        .thenApply(answer -> answer.asByteArray());
                break;
            case "file":
                if (!fileUrisEnabled) {
                    return refuse("file:// image URIs are disabled (processor.file-uris-enabled=false)");
                }
                bytes = CompletableFuture.supplyAsync(() -> readFile(uri), fileReads)
                        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(unchecked(failure)));
                break;
            default:
                return refuse(
                        "unsupported image_uri scheme '" + scheme(imageUri) + "': use https://, s3:// or file://");
        }
        return bytes.thenCompose(read -> image(read, uri, declaredType));
    }

    private CompletableFuture<ImageFile> image(byte[] bytes, URI uri, String declaredType) {
        if (bytes.length == 0) {
            return refuse(uri + " is empty");
        }
        if (bytes.length > maxBytes) {
            return refuse(uri + " is larger than " + maxBytes + " bytes (processor.max-image-bytes)");
        }
        String path = uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return CompletableFuture.completedFuture(
                new ImageFile(bytes, name.isEmpty() ? "image" : name, contentType(bytes, declaredType)));
    }

    /** The media type from the image's magic bytes, else the declared one, else a generic one. */
    static String contentType(byte[] bytes, String declaredType) {
        return ImageType.sniff(bytes)
                .map(ImageType::mediaType)
                .orElseGet(() -> declaredType != null ? declaredType : "application/octet-stream");
    }

    private byte[] readFile(URI uri) {
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(
                    new InvalidImageReferenceException("file image_uri is not a local path: " + e.getMessage()));
        }
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(new InvalidImageReferenceException(
                    "cannot read " + path + ": " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Sorts an S3 read failure: no answer (connection, time-out), 5xx, throttling → {@link ImageStoreUnavailableException},
     * retried while the caller waits; any other answer (no such key or bucket, access denied…) → the reference is
     * unusable.
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

    /** The reason a file read failed with, out of the wrappers that carried it off the reading thread. */
    private static Throwable unchecked(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof UncheckedIOException io && io.getCause() != null ? io.getCause() : cause;
    }

    private static String scheme(String uri) {
        if (uri == null) {
            return "";
        }
        int colon = uri.indexOf(':');
        return colon <= 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static <T> CompletableFuture<T> refuse(String reason) {
        return CompletableFuture.failedFuture(new InvalidImageReferenceException(reason));
    }
}
