package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import io.runflowkafka.sink.fetch.FetchException;
import io.runflowkafka.sink.fetch.FetchedImage;
import io.runflowkafka.sink.fetch.ImageSource;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventArchiverTest {

    private static final int IMAGES = 12;
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    /** The service's default pause before an image's second try; the tests' pauses pass on {@link ManualTime}. */
    private static final Duration ATTEMPT_BACKOFF = Duration.ofMillis(250);

    private static final Manifest.Source SOURCE = new Manifest.Source("headshots.completed", 3, 42);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeImages images = new FakeImages();
    private final MutableClock clock = new MutableClock(NOW);
    private final ManualTime time = new ManualTime();
    private Path root;
    private FilesystemArchiveStore store;
    private EventArchiver archiver;
    private String id;

    @BeforeEach
    void create() throws Exception {
        root = Path.of("target", "test-archives", UUID.randomUUID().toString());
        store = FilesystemArchiveStore.open(root, false, false);
        archiver = archiver(4, 4);
        id = UUID.randomUUID().toString();
    }

    @AfterEach
    void close() {
        archiver.close();
    }

    private EventArchiver archiver(int global, int perEvent) {
        UrlPolicy policy = new UrlPolicy(List.of("cdn.runflow.io"), new AddressPolicy(false), host ->
                new InetAddress[] {InetAddress.getByName("104.18.2.3")});
        return new EventArchiver(
                new EventArchiver.Settings(global, perEvent, 3, ATTEMPT_BACKOFF, 120),
                policy,
                images,
                store,
                new SinkMetrics(registry),
                clock,
                time);
    }

    private HeadshotsCompleted event(int count) {
        List<String> urls = IntStream.rangeClosed(1, count)
                .mapToObj(i -> String.format("https://cdn.runflow.io/headshots/%s/out_%03d.jpg?sig=s3cr3t", id, i))
                .toList();
        return HeadshotsCompleted.newBuilder()
                .setHeadshotsId(id)
                .setJobRef("job-7")
                .setImageUrls(urls)
                .setDeliveryId("delivery-1")
                .setReceivedAt(NOW.minus(Duration.ofMinutes(5)))
                .setExpiresAt(NOW.plus(Duration.ofHours(24)).minus(Duration.ofMinutes(5)))
                .setAttributes(Map.of("order_id", "order-9"))
                .build();
    }

    @Test
    void shouldArchiveEveryImageAndWriteTheManifestLast() throws Exception {
        HeadshotsCompleted event = event(IMAGES);

        Outcome outcome = archiver.archive(event, SOURCE);

        assertThat(outcome).isInstanceOf(Outcome.Archived.class);
        Outcome.Archived archived = (Outcome.Archived) outcome;
        assertThat(archived.emit()).isTrue();
        HeadshotsArchived result = archived.event();
        assertThat(result.getHeadshotsId()).isEqualTo(id);
        assertThat(result.getJobRef()).isEqualTo("job-7");
        assertThat(result.getArchiveUri()).isEqualTo(store.uri());
        assertThat(result.getManifestKey()).isEqualTo("headshots/" + id + "/manifest.json");
        assertThat(result.getObjects()).hasSize(IMAGES);
        assertThat(result.getObjects())
                .extracting(ArchivedObject::getIndex)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, IMAGES).boxed().toList());
        assertThat(result.getObjects().get(1).getKey()).isEqualTo("headshots/" + id + "/002.jpg");
        assertThat(result.getObjects().get(1).getSourceUrl())
                .isEqualTo(event.getImageUrls().get(1));
        assertThat(result.getTotalBytes())
                .isEqualTo(result.getObjects().stream()
                        .mapToLong(ArchivedObject::getSizeBytes)
                        .sum());
        assertThat(result.getArchivedAt()).isEqualTo(NOW);
        assertThat(result.getExpiresAt()).isEqualTo(event.getExpiresAt());
        assertThat(result.getAttributes()).containsEntry("order_id", "order-9");
        for (ArchivedObject object : result.getObjects()) {
            byte[] stored = Files.readAllBytes(root.resolve(object.getKey()));
            assertThat(stored).hasSize((int) object.getSizeBytes());
            assertThat(sha256(stored)).isEqualTo(object.getSha256());
            assertThat(object.getContentType()).isEqualTo("image/jpeg");
        }

        Manifest manifest = Manifest.fromJson(Files.readAllBytes(root.resolve(result.getManifestKey())));
        assertThat(manifest.images()).hasSize(IMAGES);
        assertThat(manifest.source()).isEqualTo(SOURCE);
        assertThat(manifest.images().get(0).archivedAt()).isEqualTo(NOW.toString());
        assertThat(Files.getLastModifiedTime(root.resolve(result.getManifestKey()))
                        .toInstant())
                .isAfterOrEqualTo(Files.getLastModifiedTime(
                                root.resolve(result.getObjects().get(IMAGES - 1).getKey()))
                        .toInstant());
        assertThat(registry.get("sink.archive.expiry.margin").timer().count()).isEqualTo(1);
        assertThat(registry.get("sink.images.archived")
                        .tag("result", "written")
                        .counter()
                        .count())
                .isEqualTo(IMAGES);
    }

    @Test
    void shouldReEmitFromTheManifestWithoutFetchingWhenTheSameRecordIsRedelivered() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        HeadshotsArchived first = ((Outcome.Archived) archiver.archive(event, SOURCE)).event();
        int fetches = images.calls.get();
        clock.advance(Duration.ofMinutes(3));

        Outcome again = archiver.archive(event, SOURCE);

        assertThat(again).isEqualTo(new Outcome.Archived(first, true));
        assertThat(images.calls.get()).isEqualTo(fetches);
    }

    @Test
    void shouldNotEmitASecondArchivedEventForARepeatedCompletionFromAnotherRecord() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        archiver.archive(event, SOURCE);

        Outcome repeated = archiver.archive(event, new Manifest.Source("headshots.completed", 3, 99));

        assertThat(repeated)
                .isInstanceOfSatisfying(
                        Outcome.Archived.class, a -> assertThat(a.emit()).isFalse());
    }

    @Test
    void shouldKeepImagesAlreadyArchivedAndRewriteOnlyDifferingOnes() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        Path job = root.resolve("headshots").resolve(id);
        Files.createDirectories(job);
        // A crashed earlier attempt: image 1 complete, image 2 holds other bytes, no manifest.
        byte[] firstImage = images.content(event.getImageUrls().get(0));
        Files.write(job.resolve("001.jpg"), firstImage);
        Files.setLastModifiedTime(job.resolve("001.jpg"), FileTime.from(NOW.minus(Duration.ofMinutes(1))));
        Files.write(job.resolve("002.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1});

        Outcome outcome = archiver.archive(event, SOURCE);

        assertThat(outcome).isInstanceOf(Outcome.Archived.class);
        assertThat(Files.getLastModifiedTime(job.resolve("001.jpg")).toInstant())
                .isEqualTo(NOW.minus(Duration.ofMinutes(1)));
        assertThat(job.resolve("002.jpg"))
                .hasBinaryContent(images.content(event.getImageUrls().get(1)));
        assertThat(registry.get("sink.images.archived")
                        .tag("result", "kept")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("sink.images.archived")
                        .tag("result", "written")
                        .counter()
                        .count())
                .isEqualTo(IMAGES - 1);
    }

    @Test
    void shouldDeadLetterWithoutFetchingWhenTheUrlsHaveExpired() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        clock.set(event.getExpiresAt().plusSeconds(1));

        Outcome outcome = archiver.archive(event, SOURCE);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, dead -> {
            assertThat(dead.stage()).isEqualTo(Stage.EXPIRED);
            assertThat(dead.reason()).contains("lost " + IMAGES + " of " + IMAGES + " images");
        });
        assertThat(images.calls.get()).isZero();
        assertThat(registry.get("sink.images.lost").counter().count()).isEqualTo(IMAGES);
    }

    @Test
    void shouldDeadLetterWhenImagesAreGoneAndCountTheLostOnes() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        images.fail(
                event.getImageUrls().get(4),
                new FetchException(FetchException.Kind.GONE, 410, "HTTP 410 from x", null));
        images.fail(
                event.getImageUrls().get(7),
                new FetchException(FetchException.Kind.GONE, 410, "HTTP 410 from y", null));

        Outcome outcome = archiver.archive(event, SOURCE);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, dead -> {
            assertThat(dead.stage()).isEqualTo(Stage.EXPIRED);
            assertThat(dead.reason()).contains("lost 2 of " + IMAGES).contains("HTTP 410");
        });
        assertThat(root.resolve(ArchiveKeys.manifest(id))).doesNotExist();
        assertThat(registry.get("sink.images.lost").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterARefusedUrlBeforeFetchingAnything() throws Exception {
        List<String> urls = new ArrayList<>(event(IMAGES).getImageUrls());
        urls.set(5, "https://169.254.169.254/latest/meta-data/iam");
        HeadshotsCompleted event =
                HeadshotsCompleted.newBuilder(event(IMAGES)).setImageUrls(urls).build();

        Outcome outcome = archiver.archive(event, SOURCE);

        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, dead -> {
            assertThat(dead.stage()).isEqualTo(Stage.URL_POLICY);
            assertThat(dead.reason()).contains("image 6").contains("allowlist");
        });
        assertThat(images.calls.get()).isZero();
    }

    @Test
    void shouldDeadLetterAnImageThatIsNotAnImage() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        images.fail(
                event.getImageUrls().get(2),
                new FetchException(FetchException.Kind.INVALID, 200, "not a JPEG (magic bytes)", null));

        assertThat(archiver.archive(event, SOURCE))
                .isInstanceOfSatisfying(
                        Outcome.DeadLetter.class,
                        dead -> assertThat(dead.stage()).isEqualTo(Stage.CONTENT));
    }

    @Test
    void shouldRetryTransientFailuresAndThenFetchOnlyWhatIsMissing() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        String flaky = event.getImageUrls().get(3);
        images.fail(flaky, new FetchException(FetchException.Kind.TRANSIENT, 503, "HTTP 503 from z", null));

        Outcome first = archiver.archive(event, SOURCE);

        assertThat(first).isInstanceOfSatisfying(Outcome.Retry.class, retry -> {
            assertThat(retry.stage()).isEqualTo(Stage.DOWNLOAD);
            assertThat(retry.reason()).contains("1 of " + IMAGES);
        });
        assertThat(images.callsFor(flaky)).as("three tries within the attempt").isEqualTo(3);
        assertThat(time.sleeps())
                .as("a pause before each further try, doubled, with up to half of it as jitter")
                .hasSize(2)
                .satisfies(pauses -> {
                    assertThat(pauses.get(0))
                            .isBetween(
                                    ATTEMPT_BACKOFF,
                                    ATTEMPT_BACKOFF.multipliedBy(3).dividedBy(2));
                    assertThat(pauses.get(1))
                            .isBetween(ATTEMPT_BACKOFF.multipliedBy(2), ATTEMPT_BACKOFF.multipliedBy(3));
                });
        assertThat(root.resolve(ArchiveKeys.manifest(id))).doesNotExist();

        images.heal(flaky);
        int before = images.calls.get();
        Outcome second = archiver.archive(event, SOURCE);

        assertThat(second).isInstanceOf(Outcome.Archived.class);
        assertThat(images.calls.get() - before)
                .as("only the missing image is fetched again")
                .isEqualTo(1);
    }

    @Test
    void shouldDeadLetterMalformedEvents() throws Exception {
        HeadshotsCompleted badId = HeadshotsCompleted.newBuilder(event(2))
                .setHeadshotsId("../../etc")
                .build();
        HeadshotsCompleted noImages =
                HeadshotsCompleted.newBuilder(event(2)).setImageUrls(List.of()).build();
        HeadshotsCompleted tooMany = event(121);

        assertThat(archiver.archive(badId, SOURCE))
                .isEqualTo(new Outcome.DeadLetter(Stage.VALIDATE, "headshots_id is not a canonical UUID"));
        assertThat(archiver.archive(noImages, SOURCE))
                .isInstanceOfSatisfying(
                        Outcome.DeadLetter.class,
                        dead -> assertThat(dead.reason()).contains("no image URLs"));
        assertThat(archiver.archive(tooMany, SOURCE))
                .isInstanceOfSatisfying(
                        Outcome.DeadLetter.class,
                        dead -> assertThat(dead.reason()).contains("121 image URLs"));
    }

    @Test
    void shouldNeverRunMoreDownloadsForOneEventThanItsBound() throws Exception {
        archiver.close();
        archiver = archiver(8, 3);
        CountDownLatch threeInFlight = new CountDownLatch(3);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        images.before = () -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            threeInFlight.countDown();
            // Hold the first three until all three run together, proving the bound is reached and not exceeded.
            threeInFlight.await(5, TimeUnit.SECONDS);
        };
        images.after = inFlight::decrementAndGet;

        assertThat(archiver.archive(event(IMAGES), SOURCE)).isInstanceOf(Outcome.Archived.class);

        assertThat(most.get()).isEqualTo(3);
    }

    @Test
    void shouldNeverRunMoreDownloadsOverAllEventsThanTheGlobalBound() throws Exception {
        archiver.close();
        archiver = archiver(2, 8);
        CountDownLatch twoInFlight = new CountDownLatch(2);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        images.before = () -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            twoInFlight.countDown();
            twoInFlight.await(5, TimeUnit.SECONDS);
        };
        images.after = inFlight::decrementAndGet;
        HeadshotsCompleted first = event(IMAGES);
        id = UUID.randomUUID().toString();
        HeadshotsCompleted second = event(IMAGES);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = two.submit(() -> archiver.archive(first, SOURCE));
            var b = two.submit(() -> archiver.archive(second, new Manifest.Source("headshots.completed", 1, 7)));

            assertThat(a.get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Archived.class);
            assertThat(b.get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Archived.class);
        } finally {
            two.shutdownNow();
        }
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void shouldNotPutTheSignedQueryIntoReasons() throws Exception {
        HeadshotsCompleted event = event(IMAGES);
        images.fail(
                event.getImageUrls().get(0),
                new FetchException(
                        FetchException.Kind.GONE,
                        410,
                        "HTTP 410 from "
                                + new UrlPolicy(List.of("cdn.runflow.io"), new AddressPolicy(false))
                                        .check(event.getImageUrls().get(0))
                                        .redacted(),
                        null));

        assertThat(archiver.archive(event, SOURCE))
                .isInstanceOfSatisfying(
                        Outcome.DeadLetter.class,
                        dead -> assertThat(dead.reason()).doesNotContain("s3cr3t"));
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    /** Images made up from their URL; failures scripted per URL. */
    private static final class FakeImages implements ImageSource {
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, AtomicInteger> perUrl = new ConcurrentHashMap<>();
        final Map<String, FetchException> failures = new ConcurrentHashMap<>();
        volatile Step before = () -> {};
        volatile Runnable after = () -> {};

        interface Step {
            void run() throws InterruptedException;
        }

        void fail(String url, FetchException failure) {
            failures.put(url, failure);
        }

        void heal(String url) {
            failures.remove(url);
        }

        int callsFor(String url) {
            return perUrl.getOrDefault(url, new AtomicInteger()).get();
        }

        byte[] content(String url) {
            byte[] content = new byte[2_000 + Math.abs(url.hashCode() % 1000)];
            new Random(url.hashCode()).nextBytes(content);
            content[0] = (byte) 0xff;
            content[1] = (byte) 0xd8;
            content[2] = (byte) 0xff;
            return content;
        }

        @Override
        public FetchedImage fetch(CheckedUrl url) throws FetchException, InterruptedException {
            calls.incrementAndGet();
            perUrl.computeIfAbsent(url.uri().toString(), key -> new AtomicInteger())
                    .incrementAndGet();
            before.run();
            try {
                FetchException failure = failures.get(url.uri().toString());
                if (failure != null) {
                    throw failure;
                }
                byte[] content = content(url.uri().toString());
                return new FetchedImage(url, content, ImageType.JPEG, sha256(content), Duration.ofMillis(5));
            } catch (FetchException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                after.run();
            }
        }
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
