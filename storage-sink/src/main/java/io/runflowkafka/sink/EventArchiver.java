package io.runflowkafka.sink;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.runflowkafka.common.concurrent.DaemonThreads;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.sink.fetch.FetchedImage;
import io.runflowkafka.sink.fetch.ImageSource;
import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives the images of one completion event: checks every URL against the policy before fetching any,
 * downloads them concurrently (at most {@code perEventConcurrency} per event, {@code globalConcurrency} over
 * all events), writes each under its deterministic key unless an object with the same size and SHA-256 is
 * already there, and writes the manifest last. Knows nothing of Kafka; the consumer loop turns its
 * {@link Outcome} into records and offsets.
 *
 * <p>Images archived by an attempt that failed transiently are remembered (bounded, in memory), so a retry
 * fetches only what is missing and a partly failing source still makes progress.
 *
 * <p>The stages live in their own classes, in the order they run: {@link EventValidation}, {@link ManifestCheck},
 * {@link UrlScreening}, {@link ImageDownloader}, {@link ImageWriter}, {@link FailureOutcomes} and
 * {@link ArchivedEvents}; this class runs them and writes the manifest.
 */
public final class EventArchiver implements Archiver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventArchiver.class);

    /**
     * How events are archived.
     *
     * @param globalConcurrency downloads in flight over all events
     * @param perEventConcurrency downloads in flight for one event
     * @param attempts tries per image before a transient failure is handed back as a retry of the event
     * @param attemptBackoff pause before the second try, doubled for each further one (with jitter)
     * @param maxImages most image URLs an event may carry (at most {@link ArchiveKeys#MAX_IMAGES})
     */
    public record Settings(
            int globalConcurrency, int perEventConcurrency, int attempts, Duration attemptBackoff, int maxImages) {}

    private final Settings settings;
    private final ArchiveStore store;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final EventValidation validation;
    private final ManifestCheck manifests;
    private final UrlScreening screening;
    private final ImageDownloader downloader;
    private final ImageWriter writer;
    private final FailureOutcomes failures;
    private final ExecutorService downloads;
    private final Cache<String, ConcurrentMap<Integer, Manifest.Image>> progress;

    /** Creates the archiver and its download pool of {@code settings.globalConcurrency()} threads. */
    public EventArchiver(
            Settings settings,
            UrlPolicy policy,
            ImageSource images,
            ArchiveStore store,
            SinkMetrics metrics,
            Clock clock) {
        this(settings, policy, images, store, metrics, clock, TimeSource.SYSTEM);
    }

    /** An archiver whose pauses between tries go through {@code time}. */
    EventArchiver(
            Settings settings,
            UrlPolicy policy,
            ImageSource images,
            ArchiveStore store,
            SinkMetrics metrics,
            Clock clock,
            TimeSource time) {
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.validation = new EventValidation(settings.maxImages());
        this.manifests = new ManifestCheck(store);
        this.screening = new UrlScreening(policy);
        this.downloader = new ImageDownloader(
                images,
                settings.globalConcurrency(),
                settings.attempts(),
                settings.attemptBackoff(),
                metrics,
                clock,
                time);
        this.writer = new ImageWriter(store, metrics, clock);
        this.failures = new FailureOutcomes(metrics);
        // Twice as many threads as downloads: a thread writing an image to the archive holds no download slot,
        // so writes (and their fsync) overlap with the next downloads instead of delaying them.
        this.downloads =
                Executors.newFixedThreadPool(2 * settings.globalConcurrency(), DaemonThreads.numbered("sink-download"));
        this.progress = Caffeine.newBuilder()
                .maximumSize(1_000)
                .expireAfterAccess(Duration.ofHours(6))
                .build();
    }

    /**
     * Archives {@code event}, read from {@code source}.
     *
     * @throws InterruptedException when interrupted; downloads in flight are cancelled and nothing is decided
     */
    @Override
    public Outcome archive(HeadshotsCompleted event, Manifest.Source source) throws InterruptedException {
        Optional<Outcome> invalid = validation.check(event);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        String id = event.getHeadshotsId();
        List<String> urls = event.getImageUrls();
        try {
            Optional<Outcome> existing = manifests.existing(id, source);
            if (existing.isPresent()) {
                return existing.get();
            }
        } catch (ArchiveException e) {
            return new Outcome.Retry(Stage.ARCHIVE, e.getMessage());
        }

        Instant expiresAt = event.getExpiresAt();
        if (!clock.instant().isBefore(expiresAt)) {
            progress.invalidate(id);
            return failures.lost(
                    id,
                    urls.size(),
                    urls.size(),
                    "its image URLs expired at " + expiresAt + " before archiving started");
        }

        UrlScreening.Screened screened = screening.screen(id, urls);
        if (screened.stop() != null) {
            return screened.stop();
        }

        ConcurrentMap<Integer, Manifest.Image> done = progress.get(id, key -> new ConcurrentHashMap<>());
        Set<String> present;
        try {
            // One listing tells which images an earlier attempt left; only those are compared before writing.
            present = store.list(ArchiveKeys.jobPrefix(id)).keySet();
        } catch (ArchiveException e) {
            return new Outcome.Retry(Stage.ARCHIVE, e.getMessage());
        }
        Map<Integer, ImageFailure> failed = downloadAll(id, screened.urls(), expiresAt, done, present);
        if (!failed.isEmpty()) {
            Outcome outcome = failures.failed(id, urls.size(), failed);
            if (!(outcome instanceof Outcome.Retry)) {
                // Nothing left to retry: what this attempt archived need not be remembered.
                progress.invalidate(id);
            }
            return outcome;
        }

        List<Manifest.Image> archived = new ArrayList<>(urls.size());
        for (int index = 1; index <= urls.size(); index++) {
            archived.add(done.get(index));
        }
        return writeManifest(event, source, archived);
    }

    /** Writes the manifest of a job whose images are all archived, create-only; the last step of an event. */
    private Outcome writeManifest(HeadshotsCompleted event, Manifest.Source source, List<Manifest.Image> archived) {
        String id = event.getHeadshotsId();
        String manifestKey = ArchiveKeys.manifest(id);
        Instant expiresAt = event.getExpiresAt();
        Instant archivedAt = clock.instant();
        Manifest manifest = new Manifest(
                Manifest.VERSION,
                id,
                event.getJobRef(),
                event.getDeliveryId(),
                store.uri(),
                archivedAt.toString(),
                expiresAt.toString(),
                source,
                archived.stream().mapToLong(Manifest.Image::sizeBytes).sum(),
                archived,
                new LinkedHashMap<>(event.getAttributes()));
        byte[] json = manifest.toJson();
        try {
            store.removeLeftovers(ArchiveKeys.jobPrefix(id));
            if (!store.writeIfAbsent(manifestKey, json, sha256Hex(json), "application/json")) {
                // Another worker (a rebalanced-away owner) finished first: its manifest is the truth.
                Optional<byte[]> winner = store.read(manifestKey);
                if (winner.isPresent()) {
                    progress.invalidate(id);
                    return manifests.fromManifest(id, winner.get(), source);
                }
                return new Outcome.Retry(Stage.ARCHIVE, "manifest of job " + id + " vanished while being written");
            }
        } catch (ArchiveException e) {
            return new Outcome.Retry(Stage.ARCHIVE, e.getMessage());
        }
        progress.invalidate(id);
        Duration margin = Duration.between(archivedAt, expiresAt);
        metrics.archivedWithMargin(margin);
        LOG.info(
                "job {} archived: {} images, {} bytes, {} left before its URLs expire",
                id,
                archived.size(),
                manifest.totalBytes(),
                margin.withNanos(0));
        return new Outcome.Archived(ArchivedEvents.of(manifest, manifestKey), true);
    }

    private Map<Integer, ImageFailure> downloadAll(
            String id,
            List<CheckedUrl> urls,
            Instant expiresAt,
            ConcurrentMap<Integer, Manifest.Image> done,
            Set<String> present)
            throws InterruptedException {
        Semaphore window = new Semaphore(settings.perEventConcurrency());
        Map<Integer, Future<Optional<ImageFailure>>> running = new LinkedHashMap<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                int index = i + 1;
                CheckedUrl url = urls.get(i);
                if (writer.stillArchived(done.get(index), url)) {
                    continue;
                }
                done.remove(index);
                window.acquire();
                try {
                    running.put(
                            index,
                            downloads.submit(() -> archiveOne(id, index, url, expiresAt, done, present, window)));
                } catch (RuntimeException e) {
                    window.release();
                    throw e;
                }
            }
            Map<Integer, ImageFailure> failed = new LinkedHashMap<>();
            for (Map.Entry<Integer, Future<Optional<ImageFailure>>> entry : running.entrySet()) {
                try {
                    entry.getValue().get().ifPresent(failure -> failed.put(entry.getKey(), failure));
                } catch (ExecutionException e) {
                    failed.put(
                            entry.getKey(),
                            new ImageFailure(
                                    Stage.DOWNLOAD,
                                    true,
                                    "unexpected " + e.getCause().getClass().getSimpleName() + " archiving image "
                                            + entry.getKey()));
                    LOG.error("unexpected failure archiving image {} of job {}", entry.getKey(), id, e.getCause());
                }
            }
            return failed;
        } catch (InterruptedException e) {
            running.values().forEach(future -> future.cancel(true));
            throw e;
        }
    }

    /**
     * Downloads one image (retrying transient failures) and stores it; empty when it is archived. The event's
     * {@code window} permit is released once the download is over, so writing does not hold a download slot.
     */
    private Optional<ImageFailure> archiveOne(
            String id,
            int index,
            CheckedUrl url,
            Instant expiresAt,
            ConcurrentMap<Integer, Manifest.Image> done,
            Set<String> present,
            Semaphore window)
            throws InterruptedException {
        FetchedImage image;
        try {
            image = downloader.fetch(index, url, expiresAt);
        } catch (ImageFailure.Failed e) {
            return Optional.of(e.failure());
        } finally {
            window.release();
        }
        try {
            done.put(index, writer.store(id, index, url, image, present));
            return Optional.empty();
        } catch (ArchiveException e) {
            return Optional.of(new ImageFailure(Stage.ARCHIVE, true, e.getMessage()));
        }
    }

    private static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        downloads.shutdownNow();
    }
}
