package io.runflowkafka.sink.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.common.tls.TlsTrust;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.UrlPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageFetcherTest {

    private static final int MAX_BYTES = 64 * 1024;
    private static final byte[] JPEG_HEADER = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0x10, 'J', 'F'};
    private static final byte[] PNG_HEADER = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = image(JPEG_HEADER, 20_000);
    private static final byte[] PNG = image(PNG_HEADER, 5_000);

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger lookups = new AtomicInteger();
    private TestHttpsServer server;
    private UrlPolicy policy;
    private ImageFetcher fetcher;

    @BeforeEach
    void start() throws Exception {
        server = new TestHttpsServer()
                .serve("/ok.jpg", 200, "image/jpeg", JPEG, false)
                .serve("/chunked.png", 200, "image/png", PNG, true)
                .serve("/gone", 410, "text/plain", "expired".getBytes(), false)
                .serve("/missing", 404, "text/plain", new byte[0], false)
                .serve("/forbidden", 403, "application/xml", "<Error>AccessDenied</Error>".getBytes(), false)
                .serve("/broken", 500, "text/plain", "oops".getBytes(), false)
                .serve("/unavailable", 503, "text/plain", new byte[0], false)
                .serve("/bad-request", 400, "text/plain", new byte[0], false)
                .serve("/big.jpg", 200, "image/jpeg", image(JPEG_HEADER, MAX_BYTES + 1), false)
                .serve("/big-chunked.jpg", 200, "image/jpeg", image(JPEG_HEADER, MAX_BYTES * 3), true)
                .serve("/html-as-jpeg", 200, "image/jpeg", "<html><body>hi</body></html>".getBytes(), false)
                .serve("/jpeg-as-html", 200, "text/html", JPEG, false)
                .serve("/png-as-jpeg", 200, "image/jpeg", PNG, false)
                .serve("/untyped", 200, null, JPEG, false)
                .serve("/empty", 200, "image/jpeg", new byte[0], false)
                .redirect("/to-ok", "/ok.jpg")
                .redirect("/to-evil", "https://evil.example/ok.jpg")
                .redirect("/to-http", "http://localhost/ok.jpg")
                .redirect("/to-metadata", "https://169.254.169.254/latest/meta-data/")
                .route("/slow.jpg", exchange -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    TestHttpsServer.respond(exchange, 200, "image/jpeg", JPEG, false);
                });
        policy = new UrlPolicy(
                List.of(
                        onServerPort("localhost"),
                        onServerPort("images.test"),
                        onServerPort("other.test"),
                        "169.254.169.254"),
                new AddressPolicy(true),
                this::lookUp);
        fetcher = fetcher(policy, 0, Optional.of(TestHttpsServer.trust()));
    }

    @AfterEach
    void stop() {
        release.countDown();
        fetcher.close();
        server.close();
    }

    private InetAddress[] lookUp(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        if (host.equals("localhost") || host.equals("images.test") || host.equals("other.test")) {
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }
        throw new UnknownHostException(host);
    }

    private static ImageFetcher fetcher(UrlPolicy policy, int maxRedirects, Optional<TlsTrust> trust) {
        return ImageFetcher.start(
                new ImageFetcher.Settings(
                        Duration.ofSeconds(3), Duration.ofSeconds(3), MAX_BYTES, maxRedirects, 8, trust),
                policy);
    }

    /** An allowlist entry for {@code host} on the test server's port: an entry without a port allows 443 only. */
    private String onServerPort(String host) {
        return host + ":" + server.port();
    }

    private String url(String host, String path) {
        return "https://" + host + ":" + server.port() + path;
    }

    private FetchedImage fetch(String path) throws Exception {
        return fetcher.fetch(policy.check(url("localhost", path)));
    }

    private void assertFails(ThrowingCallable call, FetchException.Kind kind, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FetchException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void shouldDownloadAJpegOverHttpsAndHashIt() throws Exception {
        FetchedImage image = fetch("/ok.jpg");

        assertThat(image.content()).isEqualTo(JPEG);
        assertThat(image.type()).isEqualTo(ImageType.JPEG);
        assertThat(image.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(JPEG)));
        assertThat(server.hits("/ok.jpg")).isEqualTo(1);
    }

    @Test
    void shouldDownloadAChunkedPng() throws Exception {
        FetchedImage image = fetch("/chunked.png");

        assertThat(image.content()).isEqualTo(PNG);
        assertThat(image.type()).isEqualTo(ImageType.PNG);
    }

    @Test
    void shouldConnectToTheAddressItsOwnResolverCheckedWhileTlsVerifiesTheName() throws Exception {
        // images.test exists only in this test's resolver: the download works only if the client used it.
        FetchedImage image = fetcher.fetch(policy.check(url("images.test", "/ok.jpg")));

        assertThat(image.content()).isEqualTo(JPEG);
        assertThat(lookups.get()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAtConnectTimeWhenTheNameNowResolvesToAPrivateAddress() throws Exception {
        AtomicInteger answers = new AtomicInteger();
        UrlPolicy rebinding = new UrlPolicy(List.of(onServerPort("images.test")), new AddressPolicy(false), host ->
                new InetAddress[] {InetAddress.getByName(answers.getAndIncrement() == 0 ? "104.18.2.3" : "127.0.0.1")});
        try (ImageFetcher strict = fetcher(rebinding, 0, Optional.of(TestHttpsServer.trust()))) {
            assertThat(rebinding.resolve("images.test")).containsExactly(InetAddress.getByName("104.18.2.3"));

            assertFails(
                    () -> strict.fetch(rebinding.check(url("images.test", "/ok.jpg"))),
                    FetchException.Kind.REFUSED,
                    "loopback");
        }
        assertThat(server.hits("/ok.jpg")).isZero();
    }

    @Test
    void shouldNeverContactLoopbackWhenPrivateAddressesAreRefused() throws Exception {
        UrlPolicy strictPolicy =
                new UrlPolicy(List.of(onServerPort("localhost")), new AddressPolicy(false), this::lookUp);
        try (ImageFetcher strict = fetcher(strictPolicy, 0, Optional.of(TestHttpsServer.trust()))) {
            assertFails(
                    () -> strict.fetch(strictPolicy.check(url("localhost", "/ok.jpg"))),
                    FetchException.Kind.REFUSED,
                    "loopback");
        }
        assertThat(server.hits("/ok.jpg")).isZero();
    }

    @Test
    void shouldStillVerifyTheCertificateHostName() throws Exception {
        assertFails(
                () -> fetcher.fetch(policy.check(url("other.test", "/ok.jpg"))), FetchException.Kind.TRANSIENT, "TLS");
        assertThat(server.hits("/ok.jpg")).isZero();
    }

    @Test
    void shouldNotTrustASelfSignedCertificateWithoutAnExplicitTruststore() throws Exception {
        try (ImageFetcher defaultTrust = fetcher(policy, 0, Optional.empty())) {
            assertFails(
                    () -> defaultTrust.fetch(policy.check(url("localhost", "/ok.jpg"))),
                    FetchException.Kind.TRANSIENT,
                    "certificate trusted");
        }
        assertThat(server.hits("/ok.jpg")).isZero();
    }

    @Test
    void shouldCallExpiredOrMissingUrlsGone() {
        assertFails(() -> fetch("/gone"), FetchException.Kind.GONE, "HTTP 410");
        assertFails(() -> fetch("/missing"), FetchException.Kind.GONE, "HTTP 404");
        assertFails(() -> fetch("/forbidden"), FetchException.Kind.GONE, "HTTP 403");
    }

    @Test
    void shouldCallServerErrorsTransient() {
        assertFails(() -> fetch("/broken"), FetchException.Kind.TRANSIENT, "HTTP 500");
        assertFails(() -> fetch("/unavailable"), FetchException.Kind.TRANSIENT, "HTTP 503");
    }

    @Test
    void shouldCallOtherClientErrorsInvalid() {
        assertFails(() -> fetch("/bad-request"), FetchException.Kind.INVALID, "HTTP 400");
    }

    @Test
    void shouldTimeOutASlowResponseAsTransient() throws Exception {
        // Its own fetcher with a short request timeout, so the test waits half a second rather than three.
        try (ImageFetcher quick = ImageFetcher.start(
                new ImageFetcher.Settings(
                        Duration.ofSeconds(3),
                        Duration.ofMillis(500),
                        MAX_BYTES,
                        0,
                        8,
                        Optional.of(TestHttpsServer.trust())),
                policy)) {
            assertFails(
                    () -> quick.fetch(policy.check(url("localhost", "/slow.jpg"))),
                    FetchException.Kind.TRANSIENT,
                    "timed out");
        }
    }

    @Test
    void shouldRefuseImagesOverTheSizeCapWhetherDeclaredOrStreamed() {
        assertFails(() -> fetch("/big.jpg"), FetchException.Kind.INVALID, "limit");
        assertFails(() -> fetch("/big-chunked.jpg"), FetchException.Kind.INVALID, "limit");
    }

    @Test
    void shouldRefuseContentThatIsNotTheImageItClaims() {
        assertFails(() -> fetch("/html-as-jpeg"), FetchException.Kind.INVALID, "magic bytes");
        assertFails(() -> fetch("/jpeg-as-html"), FetchException.Kind.INVALID, "text/html");
        assertFails(() -> fetch("/png-as-jpeg"), FetchException.Kind.INVALID, "content is image/png");
        assertFails(() -> fetch("/untyped"), FetchException.Kind.INVALID, "(none)");
        assertFails(() -> fetch("/empty"), FetchException.Kind.INVALID, "magic bytes");
    }

    @Test
    void shouldFollowNoRedirectByDefault() {
        assertFails(() -> fetch("/to-ok"), FetchException.Kind.REFUSED, "not followed");
        assertThat(server.hits("/ok.jpg")).isZero();
    }

    @Test
    void shouldFollowAnAllowedRedirectOnlyWhenEnabledAndOnlyUnderThePolicy() throws Exception {
        try (ImageFetcher following = fetcher(policy, 2, Optional.of(TestHttpsServer.trust()))) {
            assertThat(following.fetch(policy.check(url("localhost", "/to-ok"))).content())
                    .isEqualTo(JPEG);
            assertFails(
                    () -> following.fetch(policy.check(url("localhost", "/to-evil"))),
                    FetchException.Kind.REFUSED,
                    "allowlist");
            assertFails(
                    () -> following.fetch(policy.check(url("localhost", "/to-http"))),
                    FetchException.Kind.REFUSED,
                    "only https");
            assertFails(
                    () -> following.fetch(policy.check(url("localhost", "/to-metadata"))),
                    FetchException.Kind.REFUSED,
                    "metadata");
        }
    }

    private static byte[] image(byte[] magic, int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        System.arraycopy(magic, 0, content, 0, magic.length);
        return content;
    }
}
