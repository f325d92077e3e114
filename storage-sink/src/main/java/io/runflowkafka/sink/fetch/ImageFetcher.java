package io.runflowkafka.sink.fetch;

import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.common.tls.TlsTrust;
import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import io.runflowkafka.sink.url.UrlRefusedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one image URL under the {@link UrlPolicy}: the host is resolved and checked inside the HTTP
 * client's own resolution hook, so the connection goes to exactly the checked address while TLS still
 * verifies the host name; redirects are followed only when allowed, and each target passes the whole
 * policy again; the body is capped and must be JPEG, PNG or WebP by both {@code Content-Type} and magic
 * bytes. Thread-safe; one instance serves the whole sink.
 */
public final class ImageFetcher implements ImageSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);
    private static final String ACCEPT = "image/jpeg, image/png, image/webp";

    /**
     * How downloads behave.
     *
     * @param connectTimeout time to open a connection (TCP and TLS)
     * @param requestTimeout total time for one response, headers and body
     * @param maxBytes largest image accepted
     * @param maxRedirects redirects followed (each re-checked by the policy); 0 follows none
     * @param maxConnectionsPerHost connections kept per host, at least the download concurrency
     * @param trust a truststore replacing the JVM's CAs, if configured
     */
    public record Settings(
            Duration connectTimeout,
            Duration requestTimeout,
            long maxBytes,
            int maxRedirects,
            int maxConnectionsPerHost,
            Optional<TlsTrust> trust) {}

    private final Settings settings;
    private final UrlPolicy policy;
    private final HttpClient client;

    private ImageFetcher(Settings settings, UrlPolicy policy) {
        if (settings.maxBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max image size must fit in a byte array");
        }
        this.settings = settings;
        this.policy = policy;
        SslContextFactory.Client tls = new SslContextFactory.Client();
        // Host name verification stays on: the connection goes to a checked IP, the certificate must match the host.
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        settings.trust().ifPresent(trust -> tls.setTrustStore(trust.load()));
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, settings.maxConnectionsPerHost() + 8));
        threads.setName("sink-http");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        this.client = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setIdleTimeout(settings.requestTimeout().toMillis());
        client.setMaxConnectionsPerDestination(settings.maxConnectionsPerHost());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "runflow-kafka-storage-sink"));
        client.setSocketAddressResolver(new CheckingResolver());
    }

    /** A fetcher with its HTTP client started. */
    public static ImageFetcher start(Settings settings, UrlPolicy policy) {
        ImageFetcher fetcher = new ImageFetcher(settings, policy);
        try {
            fetcher.client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
        // Images are already compressed; refusing transfer encodings also rules out decompression bombs.
        fetcher.client.getContentDecoderFactories().clear();
        return fetcher;
    }

    /**
     * Downloads and verifies one image.
     *
     * @throws FetchException classified as transient, gone, refused or invalid
     * @throws InterruptedException when the calling thread is interrupted (the request is aborted)
     */
    @Override
    public FetchedImage fetch(CheckedUrl url) throws FetchException, InterruptedException {
        long started = System.nanoTime();
        CheckedUrl current = url;
        for (int hop = 0; ; hop++) {
            BodyCollector.Body body = get(current);
            if (body.redirect() == null) {
                return verify(current, body, Duration.ofNanos(System.nanoTime() - started));
            }
            URI target;
            try {
                target = current.uri().resolve(body.redirect());
            } catch (IllegalArgumentException e) {
                throw new FetchException(
                        FetchException.Kind.REFUSED,
                        body.status(),
                        "redirect from " + current.redacted() + " to an invalid location",
                        null);
            }
            if (hop >= settings.maxRedirects()) {
                throw new FetchException(
                        FetchException.Kind.REFUSED,
                        body.status(),
                        "redirect from "
                                + current.redacted() + " to " + CheckedUrl.redact(target) + " not followed (redirects "
                                + (settings.maxRedirects() == 0 ? "are off" : "limited to " + settings.maxRedirects())
                                + ")",
                        null);
            }
            try {
                current = policy.check(target.toString());
            } catch (UrlRefusedException e) {
                throw new FetchException(
                        FetchException.Kind.REFUSED,
                        body.status(),
                        "redirect from " + current.redacted() + " refused: " + e.getMessage(),
                        e);
            }
        }
    }

    private BodyCollector.Body get(CheckedUrl url) throws FetchException, InterruptedException {
        BodyCollector collector = new BodyCollector(settings.maxBytes());
        Request request = client.newRequest(url.uri())
                .method(HttpMethod.GET)
                .timeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(headers -> headers.put(HttpHeader.ACCEPT, ACCEPT));
        request.send(collector);
        try {
            // The request's own timeout fires first; this bound only guards against a lost completion.
            return collector.result().get(settings.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            request.abort(e);
            throw e;
        } catch (TimeoutException e) {
            request.abort(e);
            throw new FetchException(FetchException.Kind.TRANSIENT, "no response from " + url.redacted(), e);
        } catch (ExecutionException e) {
            throw classify(url, e.getCause());
        }
    }

    private static FetchedImage verify(CheckedUrl url, BodyCollector.Body body, Duration elapsed)
            throws FetchException {
        byte[] content = body.content();
        Optional<ImageType> sniffed = ImageType.sniff(content);
        if (sniffed.isEmpty()) {
            throw new FetchException(
                    FetchException.Kind.INVALID,
                    body.status(),
                    url.redacted() + " is not a JPEG, PNG or WebP image (magic bytes)",
                    null);
        }
        ImageType declared = ImageType.fromContentType(body.contentType()).orElseThrow();
        if (declared != sniffed.get()) {
            throw new FetchException(
                    FetchException.Kind.INVALID,
                    body.status(),
                    url.redacted() + " says Content-Type " + declared.mediaType() + " but its content is "
                            + sniffed.get().mediaType(),
                    null);
        }
        return new FetchedImage(url, content, sniffed.get(), body.sha256(), elapsed);
    }

    private static FetchException classify(CheckedUrl url, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FetchException fetch) {
                return fetch;
            }
            if (cause instanceof UrlRefusedException refused) {
                return new FetchException(FetchException.Kind.REFUSED, refused.getMessage(), refused);
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return new FetchException(
                        FetchException.Kind.TRANSIENT, "timed out fetching " + url.redacted(), failure);
            }
            if (cause instanceof UnknownHostException) {
                return new FetchException(FetchException.Kind.TRANSIENT, "cannot resolve " + url.host(), failure);
            }
            if (cause instanceof SSLException) {
                return new FetchException(
                        FetchException.Kind.TRANSIENT,
                        "TLS with " + url.host() + " failed ("
                                + cause.getClass().getSimpleName() + "); is its certificate trusted?",
                        failure);
            }
        }
        String what = failure instanceof IOException ? "connection failed" : "request failed";
        return new FetchException(
                FetchException.Kind.TRANSIENT,
                what + " fetching " + url.redacted() + " (" + failure.getClass().getSimpleName() + ")",
                failure);
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.warn("HTTP client did not stop cleanly: {}", e.toString());
        }
    }

    /** Resolves a host through the policy and hands Jetty only the checked addresses. */
    private final class CheckingResolver implements SocketAddressResolver {
        @Override
        public void resolve(
                String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
            // Name lookups block, so they run on the client's pool rather than on a selector thread.
            client.getExecutor().execute(() -> {
                try {
                    List<InetSocketAddress> checked = new ArrayList<>();
                    for (InetAddress address : policy.resolve(host)) {
                        // Jetty names the TLS peer after the socket address's host string: tie the checked IP
                        // to the URL's host so the certificate is verified against the name, not the IP.
                        checked.add(new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress()), port));
                    }
                    promise.succeeded(checked);
                } catch (UrlRefusedException | UnknownHostException | RuntimeException e) {
                    promise.failed(e);
                }
            });
        }
    }
}
