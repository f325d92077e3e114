package io.runflowkafka.sink;

import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.ArchiveKeys;
import java.util.List;
import java.util.Optional;

/**
 * The first stage of archiving an event: a headshots id that is a canonical UUID (so no key can escape the job's
 * folder), and at least one and at most {@code maxImages} image URLs. Nothing is read or fetched before it.
 */
final class EventValidation {

    private final int maxImages;

    /** @param maxImages most image URLs an event may carry (capped at {@link ArchiveKeys#MAX_IMAGES}) */
    EventValidation(int maxImages) {
        this.maxImages = Math.min(maxImages, ArchiveKeys.MAX_IMAGES);
    }

    /** The dead letter of a malformed event; empty when it may be archived. */
    Optional<Outcome> check(HeadshotsCompleted event) {
        String id = event.getHeadshotsId();
        if (!ArchiveKeys.isValidHeadshotsId(id)) {
            return Optional.of(new Outcome.DeadLetter(Stage.VALIDATE, "headshots_id is not a canonical UUID"));
        }
        List<String> urls = event.getImageUrls();
        if (urls.isEmpty()) {
            return Optional.of(new Outcome.DeadLetter(Stage.VALIDATE, "job " + id + " has no image URLs"));
        }
        if (urls.size() > maxImages) {
            return Optional.of(new Outcome.DeadLetter(
                    Stage.VALIDATE,
                    "job " + id + " has " + urls.size() + " image URLs, more than the " + maxImages + " allowed"));
        }
        return Optional.empty();
    }
}
