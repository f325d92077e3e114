package io.runflowkafka.sink.fetch;

import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import io.runflowkafka.sink.url.UrlRefusedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
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

    /** Creates and starts the HTTP client. */
    public ImageFetcher(Settings settings, UrlPolicy policy) {
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
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
        // Images are already compressed; refusing transfer encodings also rules out decompression bombs.
        client.getContentDecoderFactories().clear();
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
            Body body = get(current);
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

    private Body get(CheckedUrl url) throws FetchException, InterruptedException {
        Collector collector = new Collector(settings.maxBytes());
        Request request = client.newRequest(url.uri())
                .method(HttpMethod.GET)
                .timeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(headers -> headers.put(HttpHeader.ACCEPT, ACCEPT));
        request.send(collector);
        try {
            // The request's own timeout fires first; this bound only guards against a lost completion.
            return collector.result.get(settings.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
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

    private static FetchedImage verify(CheckedUrl url, Body body, Duration elapsed) throws FetchException {
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

    static FetchException statusFailure(String redactedUrl, int status) {
        FetchException.Kind kind;
        if (status == 403 || status == 404 || status == 410) {
            kind = FetchException.Kind.GONE;
        } else if (status == 408 || status == 425 || status == 429 || status >= 500) {
            kind = FetchException.Kind.TRANSIENT;
        } else {
            kind = FetchException.Kind.INVALID;
        }
        return new FetchException(kind, status, "HTTP " + status + " from " + redactedUrl, null);
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.warn("HTTP client did not stop cleanly: {}", e.toString());
        }
    }

    /** What one GET produced: an image body, or a redirect to follow. */
    private record Body(int status, String contentType, byte[] content, String sha256, String redirect) {}

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

    /** Collects a 200 body up to the cap while hashing it; aborts on anything else as soon as the headers say so. */
    private static final class Collector implements Response.Listener {
        private final long maxBytes;
        private final MessageDigest digest;
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        /** The body, when {@code Content-Length} gave its size up front: filled in place, never copied again. */
        private byte[] buffer;
        /** The body's pieces, when its size is not known (chunked): joined once at the end, no growing copies. */
        private List<byte[]> chunks;

        private int length;
        private int status;
        private String contentType;
        private String redirect;

        Collector(long maxBytes) {
            this.maxBytes = maxBytes;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        @Override
        public void onHeaders(Response response) {
            status = response.getStatus();
            String url = CheckedUrl.redact(response.getRequest().getURI());
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                redirect = response.getHeaders().get(HttpHeader.LOCATION);
                if (redirect == null) {
                    response.abort(new FetchException(
                            FetchException.Kind.INVALID,
                            status,
                            "HTTP " + status + " without Location from " + url,
                            null));
                }
                return;
            }
            if (status != 200) {
                response.abort(statusFailure(url, status));
                return;
            }
            long declaredLength = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            if (declaredLength > maxBytes) {
                response.abort(new FetchException(
                        FetchException.Kind.INVALID,
                        status,
                        url + " is " + declaredLength + " bytes, over the " + maxBytes + "-byte limit",
                        null));
                return;
            }
            contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (ImageType.fromContentType(contentType).isEmpty()) {
                response.abort(new FetchException(
                        FetchException.Kind.INVALID,
                        status,
                        url + " has Content-Type " + (contentType == null ? "(none)" : contentType)
                                + ", not image/jpeg, image/png or image/webp",
                        null));
                return;
            }
            if (declaredLength >= 0) {
                buffer = new byte[(int) declaredLength];
            }
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (redirect != null) {
                return;
            }
            int chunk = content.remaining();
            if ((long) length + chunk > maxBytes) {
                response.abort(new FetchException(
                        FetchException.Kind.INVALID,
                        status,
                        CheckedUrl.redact(response.getRequest().getURI()) + " is over the " + maxBytes + "-byte limit",
                        null));
                return;
            }
            // Each byte is copied once out of the network buffer (often a direct one), then hashed from the heap
            // copy, which MessageDigest reads in place (a direct buffer it would copy again, piece by piece).
            byte[] target;
            int offset;
            if (buffer != null) {
                if (length + chunk > buffer.length) {
                    response.abort(new FetchException(
                            FetchException.Kind.INVALID,
                            status,
                            CheckedUrl.redact(response.getRequest().getURI()) + " sent more than its Content-Length",
                            null));
                    return;
                }
                target = buffer;
                offset = length;
            } else {
                if (chunks == null) {
                    chunks = new ArrayList<>();
                }
                target = new byte[chunk];
                offset = 0;
                chunks.add(target);
            }
            content.get(target, offset, chunk);
            digest.update(target, offset, chunk);
            length += chunk;
        }

        @Override
        public void onComplete(Result outcome) {
            if (outcome.isFailed()) {
                result.completeExceptionally(outcome.getFailure());
                return;
            }
            if (redirect != null) {
                result.complete(new Body(status, null, null, null, redirect));
                return;
            }
            byte[] content = buffer != null ? body(buffer) : join(chunks == null ? List.of() : chunks, length);
            result.complete(
                    new Body(status, contentType, content, HexFormat.of().formatHex(digest.digest()), null));
        }

        /** The presized body; shorter than declared only if the server closed early, which Jetty reports as a failure. */
        private byte[] body(byte[] presized) {
            return length == presized.length ? presized : Arrays.copyOf(presized, length);
        }

        private static byte[] join(List<byte[]> pieces, int length) {
            if (pieces.size() == 1 && pieces.get(0).length == length) {
                return pieces.get(0);
            }
            byte[] joined = new byte[length];
            int offset = 0;
            for (byte[] piece : pieces) {
                System.arraycopy(piece, 0, joined, offset, piece.length);
                offset += piece.length;
            }
            return joined;
        }
    }
}
