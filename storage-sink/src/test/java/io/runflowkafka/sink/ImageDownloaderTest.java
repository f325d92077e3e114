package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.sink.fetch.FetchException;
import io.runflowkafka.sink.fetch.FetchedImage;
import io.runflowkafka.sink.fetch.ImageSource;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImageDownloaderTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration BACKOFF = Duration.ofMillis(250);
    private static final FetchException UNAVAILABLE =
            new FetchException(FetchException.Kind.TRANSIENT, 503, "HTTP 503 from x", null);

    private final ManualTime time = new ManualTime();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger calls = new AtomicInteger();
    private final Deque<FetchException> failures = new ArrayDeque<>();
    private final CheckedUrl url;

    ImageDownloaderTest() throws Exception {
        url = new UrlPolicy(List.of("cdn.runflow.io"), new AddressPolicy(false), host ->
                        new InetAddress[] {InetAddress.getByName("104.18.2.3")})
                .check("https://cdn.runflow.io/out_001.jpg");
    }

    private final ImageSource images = checked -> {
        calls.incrementAndGet();
        FetchException failure = failures.pollFirst();
        if (failure != null) {
            throw failure;
        }
        byte[] content = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1};
        return new FetchedImage(checked, content, ImageType.JPEG, "ab", Duration.ofMillis(5));
    };

    private ImageDownloader downloader(Clock clock) {
        return new ImageDownloader(images, 4, 3, BACKOFF, new SinkMetrics(registry), clock, time);
    }

    @Test
    void shouldRetryATransientFailureAfterAPauseThatDoubles() throws Exception {
        failures.add(UNAVAILABLE);
        failures.add(UNAVAILABLE);

        FetchedImage image = downloader(Clock.fixed(NOW, ZoneOffset.UTC)).fetch(1, url, NOW.plusSeconds(60));

        assertThat(image.size()).isEqualTo(4);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(time.sleeps()).hasSize(2);
        assertThat(time.sleeps().get(0))
                .isBetween(BACKOFF, BACKOFF.multipliedBy(3).dividedBy(2));
        assertThat(time.sleeps().get(1)).isBetween(BACKOFF.multipliedBy(2), BACKOFF.multipliedBy(3));
        assertThat(registry.get("sink.download.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void shouldHandBackATransientFailureAsRetryableAfterTheLastTry() {
        failures.add(UNAVAILABLE);
        failures.add(UNAVAILABLE);
        failures.add(UNAVAILABLE);

        assertThatThrownBy(() -> downloader(Clock.fixed(NOW, ZoneOffset.UTC)).fetch(4, url, NOW.plusSeconds(60)))
                .isInstanceOfSatisfying(
                        ImageFailure.Failed.class,
                        e -> assertThat(e.failure())
                                .isEqualTo(new ImageFailure(Stage.DOWNLOAD, true, "image 4: HTTP 503 from x")));
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void shouldNotRetryAGoneImage() {
        failures.add(new FetchException(FetchException.Kind.GONE, 410, "HTTP 410 from x", null));

        assertThatThrownBy(() -> downloader(Clock.fixed(NOW, ZoneOffset.UTC)).fetch(2, url, NOW.plusSeconds(60)))
                .isInstanceOfSatisfying(
                        ImageFailure.Failed.class,
                        e -> assertThat(e.failure())
                                .isEqualTo(new ImageFailure(Stage.EXPIRED, false, "image 2: HTTP 410 from x")));
        assertThat(calls.get()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void shouldNotFetchOnceTheUrlsHaveExpired() {
        assertThatThrownBy(() -> downloader(Clock.fixed(NOW, ZoneOffset.UTC)).fetch(3, url, NOW))
                .isInstanceOfSatisfying(ImageFailure.Failed.class, e -> {
                    assertThat(e.failure().stage()).isEqualTo(Stage.EXPIRED);
                    assertThat(e.failure().retryable()).isFalse();
                    assertThat(e.failure().reason()).contains("image 3");
                });
        assertThat(calls.get()).isZero();
    }
}
