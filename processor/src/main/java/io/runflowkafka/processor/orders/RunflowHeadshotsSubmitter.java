package io.runflowkafka.processor.orders;

import io.runflowkafka.client.HeadshotsSubmission;
import io.runflowkafka.client.ImageFile;
import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.processor.gate.LocalImages;
import io.runflowkafka.processor.gate.RunflowScorer.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Submits an order to Generate Headshots in the form its photos call for: photos by URL in the JSON form
 * ({@code input_images}); {@code s3://} and {@code file://} photos in the multipart form, their bytes read by
 * {@link LocalImages} (the quality gate's reader, under the same URI policy) when the call is made, so that only
 * URIs are ever stored. An order that mixes both is refused for good: the processor never downloads a URL itself.
 *
 * <p>A photo that cannot be read fails the call as it fails scoring: an object store that does not answer is
 * retried, an unusable reference (no such file or key, file:// off) dead-letters the order with the reason.
 */
public final class RunflowHeadshotsSubmitter implements HeadshotsSubmitter {

    /** Sends photo files in Generate Headshots' multipart form ({@code RunflowClient::generateHeadshotsFromFiles}). */
    @FunctionalInterface
    public interface FileForm {
        /** Starts the job from the photos' bytes. */
        CompletableFuture<HeadshotsSubmission> submit(String callbackUrl, List<ImageFile> images);
    }

    private final HeadshotsSubmitter urlForm;
    private final FileForm fileForm;
    private final LocalImages images;

    /**
     * @param urlForm sends photo URLs in the JSON form ({@code RunflowClient::generateHeadshots})
     * @param fileForm sends photo files in the multipart form
     * @param images reads s3:// and file:// photos
     */
    public RunflowHeadshotsSubmitter(HeadshotsSubmitter urlForm, FileForm fileForm, LocalImages images) {
        this.urlForm = urlForm;
        this.fileForm = fileForm;
        this.images = images;
    }

    /** The submitter of the running processor: both forms through the one Runflow client. */
    public static RunflowHeadshotsSubmitter of(RunflowClient client, LocalImages images) {
        return new RunflowHeadshotsSubmitter(client::generateHeadshots, client::generateHeadshotsFromFiles, images);
    }

    @Override
    public CompletableFuture<HeadshotsSubmission> submit(String callbackUrl, List<String> imageUris) {
        long local = imageUris.stream().filter(LocalImages::isLocal).count();
        if (local == 0) {
            return urlForm.submit(callbackUrl, imageUris);
        }
        if (local < imageUris.size()) {
            // The collector keeps orders of one kind; a request stored by another version could still mix them.
            return CompletableFuture.failedFuture(new InvalidImageReferenceException(
                    "the order mixes photos by URL and photos as files (s3://, file://); Generate Headshots takes one"
                            + " or the other, and the processor does not download URLs"));
        }
        List<CompletableFuture<ImageFile>> reads = new ArrayList<>();
        for (String uri : imageUris) {
            reads.add(images.read(uri, null));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                .thenCompose(all -> fileForm.submit(
                        callbackUrl, reads.stream().map(CompletableFuture::join).toList()));
    }
}
