package io.runflowkafka.sink;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.sink.archive.StoredObject;
import io.runflowkafka.sink.fetch.FetchException;
import io.runflowkafka.sink.fetch.FetchedImage;
import io.runflowkafka.sink.fetch.ImageSource;
import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import io.runflowkafka.sink.url.UrlRefusedException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
 */
public final class EventArchiver implements Archiver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventArchiver.class);
    private static final int REASON_EXAMPLES = 3;

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
    private final UrlPolicy policy;
    private final ImageSource images;
    private final ArchiveStore store;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final ExecutorService downloads;
    private final Semaphore fetchPermits;
    private final Cache<String, ConcurrentMap<Integer, Manifest.Image>> progress;

    /** Creates the archiver and its download pool of {@code settings.globalConcurrency()} threads. */
    public EventArchiver(
            Settings settings,
            UrlPolicy policy,
            ImageSource images,
            ArchiveStore store,
            SinkMetrics metrics,
            Clock clock) {
        this.settings = settings;
        this.policy = policy;
        this.images = images;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        AtomicInteger threadNumber = new AtomicInteger();
        this.fetchPermits = new Semaphore(settings.globalConcurrency());
        // Twice as many threads as downloads: a thread writing an image to the archive holds no download slot,
        // so writes (and their fsync) overlap with the next downloads instead of delaying them.
        this.downloads = Executors.newFixedThreadPool(2 * settings.globalConcurrency(), task -> {
            Thread thread = new Thread(task, "sink-download-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
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
        String id = event.getHeadshotsId();
        if (!ArchiveKeys.isValidHeadshotsId(id)) {
            return new Outcome.DeadLetter(Stage.VALIDATE, "headshots_id is not a canonical UUID");
        }
        List<String> urls = event.getImageUrls();
        if (urls.isEmpty()) {
            return new Outcome.DeadLetter(Stage.VALIDATE, "job " + id + " has no image URLs");
        }
        if (urls.size() > Math.min(settings.maxImages(), ArchiveKeys.MAX_IMAGES)) {
            return new Outcome.DeadLetter(
                    Stage.VALIDATE,
                    "job " + id + " has " + urls.size() + " image URLs, more than the "
                            + Math.min(settings.maxImages(), ArchiveKeys.MAX_IMAGES) + " allowed");
        }
        String manifestKey = ArchiveKeys.manifest(id);
        try {
            Optional<byte[]> existing = store.read(manifestKey);
            if (existing.isPresent()) {
                return fromExistingManifest(id, existing.get(), source);
            }
        } catch (ArchiveException e) {
            return new Outcome.Retry(Stage.ARCHIVE, e.getMessage());
        }

        Instant expiresAt = event.getExpiresAt();
        if (!clock.instant().isBefore(expiresAt)) {
            progress.invalidate(id);
            return lost(
                    id,
                    urls.size(),
                    urls.size(),
                    "its image URLs expired at " + expiresAt + " before archiving started");
        }

        List<CheckedUrl> checked = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            try {
                checked.add(policy.check(urls.get(i)));
            } catch (UrlRefusedException e) {
                return new Outcome.DeadLetter(
                        Stage.URL_POLICY, "job " + id + " image " + (i + 1) + " refused: " + e.getMessage());
            }
        }
        Set<String> hosts = checked.stream().map(CheckedUrl::host).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String host : hosts) {
            try {
                // Resolving up front refuses a private or metadata address before any image is fetched.
                policy.resolve(host);
            } catch (UrlRefusedException e) {
                return new Outcome.DeadLetter(Stage.URL_POLICY, "job " + id + " refused: " + e.getMessage());
            } catch (UnknownHostException e) {
                return new Outcome.Retry(Stage.DOWNLOAD, "cannot resolve " + host);
            }
        }

        ConcurrentMap<Integer, Manifest.Image> done = progress.get(id, key -> new ConcurrentHashMap<>());
        Set<String> present;
        try {
            // One listing tells which images an earlier attempt left; only those are compared before writing.
            present = store.list(ArchiveKeys.jobPrefix(id)).keySet();
        } catch (ArchiveException e) {
            return new Outcome.Retry(Stage.ARCHIVE, e.getMessage());
        }
        Map<Integer, ImageFailure> failures = downloadAll(id, checked, expiresAt, done, present);
        if (!failures.isEmpty()) {
            return failed(id, urls.size(), failures);
        }

        List<Manifest.Image> archived = new ArrayList<>(urls.size());
        for (int index = 1; index <= urls.size(); index++) {
            archived.add(done.get(index));
        }
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
                    return fromExistingManifest(id, winner.get(), source);
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
        return new Outcome.Archived(toEvent(manifest, manifestKey), true);
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
                if (stillArchived(done.get(index), url)) {
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
            Map<Integer, ImageFailure> failures = new LinkedHashMap<>();
            for (Map.Entry<Integer, Future<Optional<ImageFailure>>> entry : running.entrySet()) {
                try {
                    entry.getValue().get().ifPresent(failure -> failures.put(entry.getKey(), failure));
                } catch (ExecutionException e) {
                    failures.put(
                            entry.getKey(),
                            new ImageFailure(
                                    Stage.DOWNLOAD,
                                    true,
                                    "unexpected " + e.getCause().getClass().getSimpleName() + " archiving image "
                                            + entry.getKey()));
                    LOG.error("unexpected failure archiving image {} of job {}", entry.getKey(), id, e.getCause());
                }
            }
            return failures;
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
            image = fetchWithRetries(index, url, expiresAt);
        } catch (ImageFailed e) {
            return Optional.of(e.failure);
        } finally {
            window.release();
        }
        return storeImage(id, index, url, image, done, present);
    }

    /** Downloads the image, retrying transient failures; throws the failure that ended the tries. */
    private FetchedImage fetchWithRetries(int index, CheckedUrl url, Instant expiresAt)
            throws ImageFailed, InterruptedException {
        FetchedImage image = null;
        for (int attempt = 1; image == null; attempt++) {
            if (!clock.instant().isBefore(expiresAt)) {
                throw new ImageFailed(new ImageFailure(
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
                    throw new ImageFailed(new ImageFailure(
                            stageOf(failure.kind()), false, "image " + index + ": " + failure.getMessage()));
                }
                if (attempt >= settings.attempts()) {
                    throw new ImageFailed(
                            new ImageFailure(Stage.DOWNLOAD, true, "image " + index + ": " + failure.getMessage()));
                }
                long base = settings.attemptBackoff().toMillis() << (attempt - 1);
                // Jitter spreads the retries of 60 images that failed together (an outage) over time.
                TimeUnit.MILLISECONDS.sleep(base + ThreadLocalRandom.current().nextLong(base / 2 + 1));
            }
        }
        metrics.downloaded(image.elapsed());
        return image;
    }

    /** Stores a downloaded image unless the archive already holds the same bytes; empty when it is archived. */
    private Optional<ImageFailure> storeImage(
            String id,
            int index,
            CheckedUrl url,
            FetchedImage image,
            ConcurrentMap<Integer, Manifest.Image> done,
            Set<String> present) {
        String key = ArchiveKeys.image(id, index, image.type().extension());
        try {
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
            done.put(
                    index,
                    new Manifest.Image(
                            index,
                            url.uri().toString(),
                            key,
                            image.size(),
                            image.sha256(),
                            image.type().mediaType(),
                            archivedAt.toString()));
            return Optional.empty();
        } catch (ArchiveException e) {
            return Optional.of(new ImageFailure(Stage.ARCHIVE, true, e.getMessage()));
        }
    }

    /** Whether an image remembered from an earlier attempt is still in the archive, unchanged. */
    private boolean stillArchived(Manifest.Image image, CheckedUrl url) {
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

    private Outcome failed(String id, int total, Map<Integer, ImageFailure> failures) {
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
        progress.invalidate(id);
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

    private Outcome lost(String id, int total, int lost, String why) {
        metrics.imagesLost(lost);
        // The line to alert on: these images cannot be archived any more.
        LOG.error("job {} lost {} images: URLs expired ({} of {} not archived; {})", id, lost, lost, total, why);
        return new Outcome.DeadLetter(
                Stage.EXPIRED, "job " + id + " lost " + lost + " of " + total + " images: " + why);
    }

    private Outcome fromExistingManifest(String id, byte[] json, Manifest.Source source) {
        Manifest manifest;
        try {
            manifest = Manifest.fromJson(json);
        } catch (IOException e) {
            // A manifest this sink did not write: never overwrite it, let a human look.
            return new Outcome.DeadLetter(
                    Stage.ARCHIVE,
                    "job " + id + " has an unreadable manifest in the archive ("
                            + e.getClass().getSimpleName() + ")");
        }
        boolean sameRecord = manifest.source() == null || manifest.source().equals(source);
        if (sameRecord) {
            LOG.info("job {} was already archived from this record; re-sending its archived event", id);
        } else {
            LOG.info(
                    "job {} was already archived from {}-{}@{}; repeated completion at {}-{}@{} changes nothing",
                    id,
                    manifest.source().topic(),
                    manifest.source().partition(),
                    manifest.source().offset(),
                    source.topic(),
                    source.partition(),
                    source.offset());
        }
        return new Outcome.Archived(toEvent(manifest, ArchiveKeys.manifest(id)), sameRecord);
    }

    private static HeadshotsArchived toEvent(Manifest manifest, String manifestKey) {
        List<ArchivedObject> objects = manifest.images().stream()
                .map(image -> ArchivedObject.newBuilder()
                        .setIndex(image.index())
                        .setSourceUrl(image.sourceUrl())
                        .setKey(image.key())
                        .setSizeBytes(image.sizeBytes())
                        .setSha256(image.sha256())
                        .setContentType(image.contentType())
                        .build())
                .toList();
        return HeadshotsArchived.newBuilder()
                .setHeadshotsId(manifest.headshotsId())
                .setJobRef(manifest.jobRef())
                .setArchiveUri(manifest.archiveUri())
                .setManifestKey(manifestKey)
                .setObjects(objects)
                .setTotalBytes(manifest.totalBytes())
                .setArchivedAt(Instant.parse(manifest.archivedAt()))
                .setExpiresAt(Instant.parse(manifest.expiresAt()))
                .setAttributes(manifest.attributes() == null ? Map.of() : manifest.attributes())
                .build();
    }

    private static Stage stageOf(FetchException.Kind kind) {
        return switch (kind) {
            case GONE -> Stage.EXPIRED;
            case REFUSED -> Stage.URL_POLICY;
            case INVALID -> Stage.CONTENT;
            case TRANSIENT -> Stage.DOWNLOAD;
        };
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

    /** Why one image was not archived. */
    private record ImageFailure(Stage stage, boolean retryable, String reason) {}

    /** Ends the tries of one image with its failure. */
    private static final class ImageFailed extends Exception {
        private final transient ImageFailure failure;

        ImageFailed(ImageFailure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }
    }
}
