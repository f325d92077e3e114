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
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
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

    RunflowEmulator(EmulatorSettings settings) {
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
    public static RunflowEmulatorBuilder builder() {
        return new RunflowEmulatorBuilder();
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

    static Webhook signer(EmulatorSettings settings) {
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
}
