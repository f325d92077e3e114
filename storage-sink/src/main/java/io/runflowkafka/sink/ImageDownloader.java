package io.runflowkafka.sink;

import io.runflowkafka.sink.fetch.FetchException;
import io.runflowkafka.sink.fetch.FetchedImage;
import io.runflowkafka.sink.fetch.ImageSource;
import io.runflowkafka.sink.url.CheckedUrl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Downloads one image with retries: a transient failure is tried again, up to {@code attempts} tries, after a
 * pause that doubles each time (with jitter, so the retries of images that failed together spread out); a
 * permanent one ends the tries at once, and so does the URLs' expiry, checked before each try. At most
 * {@code globalConcurrency} downloads run at once over all events; pauses go through the injected
 * {@link TimeSource}.
 */
final class ImageDownloader {

    private final ImageSource images;
    private final int attempts;
    private final Duration attemptBackoff;
    private final Semaphore fetchPermits;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final TimeSource time;

    ImageDownloader(
            ImageSource images,
            int globalConcurrency,
            int attempts,
            Duration attemptBackoff,
            SinkMetrics metrics,
            Clock clock,
            TimeSource time) {
        this.images = images;
        this.attempts = attempts;
        this.attemptBackoff = attemptBackoff;
        this.fetchPermits = new Semaphore(globalConcurrency);
        this.metrics = metrics;
        this.clock = clock;
        this.time = time;
    }

    /** Downloads image {@code index} from {@code url}, retrying transient failures; throws the one that ended the tries. */
    FetchedImage fetch(int index, CheckedUrl url, Instant expiresAt) throws ImageFailure.Failed, InterruptedException {
        FetchedImage image = null;
        for (int attempt = 1; image == null; attempt++) {
            if (!clock.instant().isBefore(expiresAt)) {
                throw new ImageFailure.Failed(new ImageFailure(
                        Stage.EXPIRED,
                        false,
                        "image " + index + " (" + url.redacted() + ") expired at " + expiresAt
                                + " before it could be fetched"));
            }
            FetchException failure = null;
            fetchPermits.acquire();
            try {
                image = images.fetch(url);
            } catch (FetchException e) {
                failure = e;
            } finally {
                fetchPermits.release();
            }
            if (failure != null) {
                if (!failure.kind().retryable()) {
                    throw new ImageFailure.Failed(new ImageFailure(
                            stageOf(failure.kind()), false, "image " + index + ": " + failure.getMessage()));
                }
                if (attempt >= attempts) {
                    throw new ImageFailure.Failed(
                            new ImageFailure(Stage.DOWNLOAD, true, "image " + index + ": " + failure.getMessage()));
                }
                long base = attemptBackoff.toMillis() << (attempt - 1);
                // Jitter spreads the retries of 60 images that failed together (an outage) over time.
                time.sleep(Duration.ofMillis(base + ThreadLocalRandom.current().nextLong(base / 2 + 1)));
            }
        }
        metrics.downloaded(image.elapsed());
        return image;
    }

    private static Stage stageOf(FetchException.Kind kind) {
        return switch (kind) {
            case GONE -> Stage.EXPIRED;
            case REFUSED -> Stage.URL_POLICY;
            case INVALID -> Stage.CONTENT;
            case TRANSIENT -> Stage.DOWNLOAD;
        };
    }
}
