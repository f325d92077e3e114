package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runflow on localhost: a real HTTP(S) server speaking the Runflow contract (Score Image with real
 * image analysis, Generate Headshots with callbacks and expiring image URLs, Model API runs, health),
 * with fault injection and counters. Embed it with {@code RunflowEmulator.builder()...build().start()}
 * (port 0 picks a free port) and {@link #close()} it; or run {@link RunflowEmulatorCommand}.
 */
public final class RunflowEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunflowEmulator.class);

    /** The key a sandbox accepts when none is configured. Not a secret. */
    public static final String DEFAULT_API_KEY = "sandbox-key";

    private final EmulatorSettings settings;
    private final EmulatorCounters counters = new EmulatorCounters();
    private final Faults faults;
    private final ObjectMapper json = JsonMapper.builder().build();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService analysis;
    private final ThreadPoolExecutor slowWriters;
    private final HttpClient outbound;
    private final Javalin server;
    private final HeadshotJobs headshots;
    private volatile ServerConnector httpConnector;
    private volatile ServerConnector httpsConnector;
    private volatile String publicBaseUrl;
    private volatile boolean started;

    private RunflowEmulator(EmulatorSettings settings) {
        this.settings = settings;
        this.faults = new Faults(settings.faults(), settings.clock());
        this.scheduler = new ScheduledThreadPoolExecutor(2, daemonThreads("runflow-emulator-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        int cpus = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.analysis = new ThreadPoolExecutor(
                cpus,
                cpus,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                daemonThreads("runflow-emulator-analysis"));
        this.slowWriters = new ThreadPoolExecutor(
                512,
                512,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                daemonThreads("runflow-emulator-slow-body"));
        this.slowWriters.allowCoreThreadTimeOut(true);
        this.outbound = outboundClient();

        ImageFetcher fetcher = new ImageFetcher(outbound, settings.maxImageBytes(), settings.fetchTimeout());
        WebhookSender webhooks = new WebhookSender(
                outbound, scheduler, settings.callbackRetry(), signer(settings), counters, settings.clock());
        PhotoScorer scorer =
                new PhotoScorer(fetcher, analysis, settings.scoreCacheSize(), settings.urlCacheTtl(), counters);
        this.headshots = new HeadshotJobs(
                fetcher,
                webhooks,
                scheduler,
                analysis,
                counters,
                json,
                settings.clock(),
                settings.headshotsDelay(),
                settings.imageTtl(),
                this::publicBaseUrl);
        ModelRuns runs = new ModelRuns(
                scheduler, webhooks, counters, json, settings.clock(), settings.runQueuedFor(), settings.runDuration());
        ApiKeys keys = new ApiKeys(settings.apiKeys(), settings.readOnlyKeys());
        Responder responder = new Responder(faults, keys, scheduler, slowWriters, counters, json);
        EmulatorRoutes.Handlers handlers = new EmulatorRoutes.Handlers(
                new SolutionsApi(responder, scorer, headshots, counters, json, settings.maxImageBytes()),
                new ModelApi(responder, faults, runs, json),
                new HeadshotImages(headshots, counters, json, responder, settings.imageLatency()),
                new Sandbox(json, responder, this::publicBaseUrl),
                new AdminApi(faults, counters, json, responder, settings.clock(), settings.adminToken()),
                responder);
        this.server = EmulatorRoutes.create(handlers, counters, json, config -> {
            QueuedThreadPool threads = new QueuedThreadPool(settings.maxServerThreads(), 8);
            threads.setName("runflow-emulator-http");
            config.jetty.threadPool = threads;
            config.http.maxRequestSize = settings.maxImageBytes() + 64L * 1024;
            // Uploads stay in memory (bounded by maxImageBytes): nothing is spooled to the temp folder.
            config.jetty.multipartConfig.maxFileSize(settings.maxImageBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(settings.maxImageBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(
                    (long) settings.maxImageBytes() * SolutionsApi.MAX_INPUT_IMAGES, SizeUnit.BYTES);
            config.jetty.addConnector((jetty, httpConfig) -> {
                ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(httpConfig));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                // Benchmarks open ~1,000 connections at once; a short backlog would drop SYNs.
                connector.setAcceptQueueSize(4096);
                httpConnector = connector;
                return connector;
            });
            if (settings.httpsPort() >= 0) {
                config.jetty.addConnector((jetty, httpConfig) -> {
                    HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    secure.setSniHostCheck(false);
                    httpsConfig.addCustomizer(secure);
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStore(serverKeyStore(settings));
                    tls.setKeyStorePassword(settings.tlsKeyStorePassword());
                    ServerConnector connector = new ServerConnector(
                            jetty, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(httpsConfig));
                    connector.setHost(settings.host());
                    connector.setPort(settings.httpsPort());
                    connector.setAcceptQueueSize(4096);
                    httpsConnector = connector;
                    return connector;
                });
            }
        });
    }

    /**
     * Starts a builder with the defaults: 127.0.0.1, a free port, no HTTPS, key {@value #DEFAULT_API_KEY},
     * headshots after 2 s, image URLs valid 24 h, no faults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The truststore holding the emulator's self-signed development certificate (DEVELOPMENT ONLY),
     * for clients that fetch its HTTPS URLs.
     *
     * @return a PKCS12 store with one trusted certificate
     */
    public static KeyStore devTrustStore() {
        return DevTls.trustStore();
    }

    /** The development certificate in PEM, e.g. for {@code curl --cacert}. DEVELOPMENT ONLY. */
    public static String devCertificatePem() {
        return DevTls.certificatePem();
    }

    /**
     * Binds the ports and starts serving.
     *
     * @return this emulator
     */
    public RunflowEmulator start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            outbound.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the emulator's HTTP client", e);
        }
        // Added by Jetty on start; a receiver's bare 401 is an answer to record, not a protocol violation.
        outbound.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        server.start();
        String advertised = advertisedHost(settings.host());
        String httpBase = "http://" + advertised + ":" + httpConnector.getLocalPort();
        publicBaseUrl = settings.publicBaseUrl() != null
                ? stripSlash(settings.publicBaseUrl())
                : httpsConnector != null ? "https://" + advertised + ":" + httpsConnector.getLocalPort() : httpBase;
        long sweepEvery = Math.max(1_000L, Math.min(60_000L, settings.imageTtl().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(headshots::sweep, sweepEvery, sweepEvery, TimeUnit.MILLISECONDS);
        LOG.info(
                "Runflow emulator listening on {}{}, image URLs under {}",
                httpBase,
                httpsConnector == null ? "" : " and " + httpsBaseUrl(),
                publicBaseUrl);
        return this;
    }

    /** The plain-HTTP base URL, e.g. {@code http://127.0.0.1:8089}: point the client here. */
    public String baseUrl() {
        requireStarted();
        return "http://" + advertisedHost(settings.host()) + ":" + httpConnector.getLocalPort();
    }

    /** The HTTPS base URL (dev certificate), or {@code null} when HTTPS is off. */
    public String httpsBaseUrl() {
        requireStarted();
        return httpsConnector == null
                ? null
                : "https://" + advertisedHost(settings.host()) + ":" + httpsConnector.getLocalPort();
    }

    /** The base of the URLs the emulator hands out for images (HTTPS when enabled, else HTTP, unless configured). */
    public String publicBaseUrl() {
        requireStarted();
        return publicBaseUrl;
    }

    /** The plain-HTTP port bound. */
    public int port() {
        requireStarted();
        return httpConnector.getLocalPort();
    }

    /** URL of a sample photo the emulator serves ({@code portrait.jpg}, {@code dark.jpg}, ...). */
    public String sampleUrl(String name) {
        if (!Sandbox.NAMES.contains(name)) {
            throw new IllegalArgumentException("no sample " + name + "; known: " + Sandbox.NAMES);
        }
        return publicBaseUrl() + "/sandbox/samples/" + name;
    }

    /** The faults in force, changeable while running. */
    public Faults faults() {
        return faults;
    }

    /** What the emulator has served so far. */
    public EmulatorCounters counters() {
        return counters;
    }

    /** Stops serving and frees every thread. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (RuntimeException e) {
            LOG.warn("Emulator server did not stop cleanly: {}", e.toString());
        }
        try {
            outbound.stop();
        } catch (Exception e) {
            LOG.warn("Emulator HTTP client did not stop cleanly: {}", e.toString());
        }
        scheduler.shutdownNow();
        analysis.shutdownNow();
        slowWriters.shutdownNow();
    }

    @Override
    public String toString() {
        return "RunflowEmulator[" + settings + "]";
    }

    private void requireStarted() {
        if (!started || httpConnector == null) {
            throw new IllegalStateException("the emulator is not started");
        }
    }

    private HttpClient outboundClient() {
        ClientConnector connector = new ClientConnector();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setTrustStore(DevTls.trustStoreWithJdkDefaults());
        connector.setSslContextFactory(tls);
        connector.setConnectTimeout(Duration.ofSeconds(5));
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("runflow-emulator-outbound");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(64);
        client.setFollowRedirects(true);
        client.setMaxRedirects(3);
        return client;
    }

    private static Webhook signer(EmulatorSettings settings) {
        if (settings.webhookSecret() == null) {
            return null;
        }
        try {
            return new Webhook(settings.webhookSecret());
        } catch (EmptyWebhookSecretException | IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook secret must be whsec_ followed by base64");
        }
    }

    private static KeyStore serverKeyStore(EmulatorSettings settings) {
        if (settings.tlsKeyStore() == null) {
            return DevTls.keyStore();
        }
        try (InputStream in = Files.newInputStream(settings.tlsKeyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, settings.tlsKeyStorePassword().toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load TLS keystore " + settings.tlsKeyStore(), e);
        }
    }

    private static String advertisedHost(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.isBlank()
                ? "127.0.0.1"
                : host.contains(":") ? "[" + host + "]" : host;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Builds a {@link RunflowEmulator}; see {@link RunflowEmulator#builder()} for the defaults. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int httpsPort = -1;
        private String publicBaseUrl;
        private final Set<String> apiKeys = new LinkedHashSet<>();
        private final Set<String> readOnlyKeys = new LinkedHashSet<>();
        private String adminToken;
        private Duration headshotsDelay = Duration.ofSeconds(2);
        private Duration imageTtl = Duration.ofHours(24);
        private LatencySpec imageLatency = LatencySpec.NONE;
        private Duration runQueuedFor = Duration.ofMillis(200);
        private Duration runDuration = Duration.ofSeconds(1);
        private Duration callbackInitialBackoff = Duration.ofSeconds(1);
        private Duration callbackMaxBackoff = Duration.ofMinutes(1);
        private int callbackMaxAttempts = 8;
        private Duration callbackTimeout = Duration.ofSeconds(10);
        private String webhookSecret;
        private FaultSettings faults = FaultSettings.NONE;
        private int maxImageBytes = 20 * 1024 * 1024;
        private Duration fetchTimeout = Duration.ofSeconds(10);
        private int scoreCacheSize = 10_000;
        private Duration urlCacheTtl = Duration.ofMinutes(10);
        private int maxServerThreads = 256;
        private Path tlsKeyStore;
        private String tlsKeyStorePassword = DevTls.PASSWORD;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Interface to bind (default 127.0.0.1). */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value);
            return this;
        }

        /** Plain-HTTP port, 0 for a free one (default 0). */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** HTTPS port with the dev certificate (or {@link #tlsKeyStore}), 0 for a free one, -1 for none (default -1). */
        public Builder httpsPort(int value) {
            this.httpsPort = value;
            return this;
        }

        /** Base of the image URLs handed out (default: the HTTPS base when enabled, else the HTTP base). */
        public Builder publicBaseUrl(String value) {
            this.publicBaseUrl = value;
            return this;
        }

        /** Adds an accepted key with full access (default: {@value RunflowEmulator#DEFAULT_API_KEY} when none is added). */
        public Builder apiKey(String value) {
            this.apiKeys.add(requireKey(value));
            return this;
        }

        /** Adds a read-only key: GET endpoints only, POSTs answer 403. */
        public Builder readOnlyKey(String value) {
            this.readOnlyKeys.add(requireKey(value));
            return this;
        }

        /** Requires {@code x-admin-token} on the admin endpoints (default: not required). */
        public Builder adminToken(String value) {
            this.adminToken = value;
            return this;
        }

        /** Delay between accepting a headshots job and its callback (default 2 s). */
        public Builder headshotsDelay(Duration value) {
            this.headshotsDelay = requireNonNegative(value);
            return this;
        }

        /** How long generated image URLs stay valid, 410 afterwards (default 24 h). */
        public Builder imageTtl(Duration value) {
            this.imageTtl = requireNonNegative(value);
            return this;
        }

        /**
         * Latency added before each generated image is served (default none), as a distant CDN would answer; faults
         * never apply to images, this does.
         */
        public Builder imageLatency(LatencySpec value) {
            this.imageLatency = Objects.requireNonNull(value);
            return this;
        }

        /** How long a run stays queued, then running (defaults 200 ms and 1 s). */
        public Builder runTimings(Duration queuedFor, Duration runningFor) {
            this.runQueuedFor = requireNonNegative(queuedFor);
            this.runDuration = requireNonNegative(runningFor);
            return this;
        }

        /** Callback retries: first backoff (doubling), ceiling, attempts (defaults 1 s, 1 min, 8). */
        public Builder callbackRetry(Duration initialBackoff, Duration maxBackoff, int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            this.callbackInitialBackoff = requireNonNegative(initialBackoff);
            this.callbackMaxBackoff = requireNonNegative(maxBackoff);
            this.callbackMaxAttempts = maxAttempts;
            return this;
        }

        /** Time-out of one callback attempt (default 10 s). */
        public Builder callbackTimeout(Duration value) {
            this.callbackTimeout = requireNonNegative(value);
            return this;
        }

        /** Signs callbacks with Standard Webhooks headers under this {@code whsec_...} secret (default: unsigned). */
        public Builder webhookSecret(String value) {
            this.webhookSecret = value;
            return this;
        }

        /** Faults in force at start (default none). */
        public Builder faults(FaultSettings value) {
            this.faults = Objects.requireNonNull(value);
            return this;
        }

        /** Largest image accepted or fetched (default 20 MiB). */
        public Builder maxImageBytes(int value) {
            this.maxImageBytes = value;
            return this;
        }

        /** Time-out for fetching an image URL (default 10 s). */
        public Builder fetchTimeout(Duration value) {
            this.fetchTimeout = requireNonNegative(value);
            return this;
        }

        /** Scores cached by content hash and by URL, each (default 10,000). */
        public Builder scoreCacheSize(int value) {
            this.scoreCacheSize = value;
            return this;
        }

        /** How long a score stays cached for an image URL (default 10 min). */
        public Builder urlCacheTtl(Duration value) {
            this.urlCacheTtl = requireNonNegative(value);
            return this;
        }

        /** Server worker threads at most (default 256); added latency holds none. */
        public Builder maxServerThreads(int value) {
            this.maxServerThreads = value;
            return this;
        }

        /** A PKCS12 keystore to serve HTTPS with instead of the dev certificate. */
        public Builder tlsKeyStore(Path keyStore, String password) {
            this.tlsKeyStore = keyStore;
            this.tlsKeyStorePassword = Objects.requireNonNull(password);
            return this;
        }

        /** The clock used for expiry, outage windows and timestamps (default UTC system clock). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Validates the settings and builds an unstarted emulator. */
        public RunflowEmulator build() {
            if (port < 0 || port > 65_535 || httpsPort < -1 || httpsPort > 65_535) {
                throw new IllegalArgumentException("ports must be in 0-65535 (HTTPS: -1 for none)");
            }
            if (maxImageBytes < 1024 || scoreCacheSize < 1 || maxServerThreads < 16) {
                throw new IllegalArgumentException(
                        "maxImageBytes >= 1024, scoreCacheSize >= 1, maxServerThreads >= 16");
            }
            Set<String> keys = apiKeys.isEmpty() ? Set.of(DEFAULT_API_KEY) : Set.copyOf(apiKeys);
            EmulatorSettings settings = new EmulatorSettings(
                    host,
                    port,
                    httpsPort,
                    publicBaseUrl,
                    keys,
                    Set.copyOf(readOnlyKeys),
                    adminToken,
                    headshotsDelay,
                    imageTtl,
                    imageLatency,
                    runQueuedFor,
                    runDuration,
                    new WebhookSender.RetrySchedule(
                            callbackInitialBackoff, callbackMaxBackoff, callbackMaxAttempts, callbackTimeout),
                    webhookSecret,
                    faults,
                    maxImageBytes,
                    fetchTimeout,
                    scoreCacheSize,
                    urlCacheTtl,
                    maxServerThreads,
                    tlsKeyStore,
                    tlsKeyStorePassword,
                    clock);
            signer(settings);
            return new RunflowEmulator(settings);
        }

        private static String requireKey(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("a key must not be blank");
            }
            return value;
        }

        private static Duration requireNonNegative(Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
            return value;
        }
    }
}
