package io.runflowkafka.sink;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the images an attempt could not archive to the event's outcome: only transient failures → retry (stage
 * archive if the archive failed, else download); any permanent one → dead letter, as lost images (stage expired,
 * counted and logged at ERROR) if a URL expired or is gone, else at the first permanent failure's stage.
 */
final class FailureOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(FailureOutcomes.class);
    private static final int REASON_EXAMPLES = 3;

    private final SinkMetrics metrics;

    FailureOutcomes(SinkMetrics metrics) {
        this.metrics = metrics;
    }

    /** The outcome of job {@code id}, {@code total} images, when {@code failures} (by index, not empty) failed. */
    Outcome failed(String id, int total, Map<Integer, ImageFailure> failures) {
        List<ImageFailure> permanent =
                failures.values().stream().filter(f -> !f.retryable()).toList();
        if (permanent.isEmpty()) {
            ImageFailure first = failures.values().iterator().next();
            boolean archive = failures.values().stream().anyMatch(f -> f.stage() == Stage.ARCHIVE);
            return new Outcome.Retry(
                    archive ? Stage.ARCHIVE : Stage.DOWNLOAD,
                    "job " + id + ": " + failures.size() + " of " + total + " images not archived yet; "
                            + (archive ? "archive: " : "") + first.reason());
        }
        long expired =
                permanent.stream().filter(f -> f.stage() == Stage.EXPIRED).count();
        String examples = permanent.stream()
                .limit(REASON_EXAMPLES)
                .map(ImageFailure::reason)
                .collect(Collectors.joining("; "));
        if (expired > 0) {
            return lost(
                    id,
                    total,
                    failures.size(),
                    permanent.size() + " of " + total + " images could not be fetched (URLs expired or gone): "
                            + examples);
        }
        Stage stage = permanent.get(0).stage();
        return new Outcome.DeadLetter(
                stage,
                "job " + id + ": " + permanent.size() + " of " + total + " images refused or invalid: " + examples);
    }

    /** The dead letter of job {@code id}, {@code lost} of whose {@code total} images can never be archived. */
    Outcome lost(String id, int total, int lost, String why) {
        metrics.imagesLost(lost);
        // The line to alert on: these images cannot be archived any more.
        LOG.error("job {} lost {} images: URLs expired ({} of {} not archived; {})", id, lost, lost, total, why);
        return new Outcome.DeadLetter(
                Stage.EXPIRED, "job " + id + " lost " + lost + " of " + total + " images: " + why);
    }
}
