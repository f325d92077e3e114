package io.runflowkafka.sink;

import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.sink.archive.StoredObject;
import io.runflowkafka.sink.fetch.FetchedImage;
import io.runflowkafka.sink.url.CheckedUrl;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Writes downloaded images under their deterministic keys, skipping duplicate writes: an object already in the
 * archive with the same size and SHA-256 (left by an earlier attempt, or a crashed one) is kept, not rewritten.
 */
final class ImageWriter {

    private final ArchiveStore store;
    private final SinkMetrics metrics;
    private final Clock clock;

    ImageWriter(ArchiveStore store, SinkMetrics metrics, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Stores image {@code index} of job {@code id} unless the archive already holds the same bytes.
     *
     * @param present the keys the job's folder held when the attempt started; only those are compared
     * @return the image's manifest entry
     * @throws ArchiveException when the archive cannot be read or written
     */
    Manifest.Image store(String id, int index, CheckedUrl url, FetchedImage image, Set<String> present)
            throws ArchiveException {
        String key = ArchiveKeys.image(id, index, image.type().extension());
        Optional<StoredObject> existing = present.contains(key) ? store.find(key) : Optional.empty();
        Instant archivedAt;
        boolean written;
        if (existing.isPresent() && existing.get().matches(image.size(), image.sha256())) {
            archivedAt = existing.get().lastModified();
            written = false;
        } else {
            store.write(key, image.content(), image.sha256(), image.type().mediaType());
            archivedAt = clock.instant();
            written = true;
        }
        metrics.imageArchived(image.size(), written);
        return new Manifest.Image(
                index,
                url.uri().toString(),
                key,
                image.size(),
                image.sha256(),
                image.type().mediaType(),
                archivedAt.toString());
    }

    /** Whether {@code image}, remembered from an earlier attempt at {@code url}, is still in the archive, unchanged. */
    boolean stillArchived(Manifest.Image image, CheckedUrl url) {
        if (image == null || !image.sourceUrl().equals(url.uri().toString())) {
            return false;
        }
        try {
            return store.find(image.key())
                    .map(stored -> stored.matches(image.sizeBytes(), image.sha256()))
                    .orElse(false);
        } catch (ArchiveException e) {
            return false;
        }
    }
}
