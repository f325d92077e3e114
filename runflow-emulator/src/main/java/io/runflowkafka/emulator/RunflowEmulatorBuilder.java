package io.runflowkafka.emulator;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** Builds a {@link RunflowEmulator}; see {@link RunflowEmulator#builder()} for the defaults. */
public final class RunflowEmulatorBuilder {
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

    RunflowEmulatorBuilder() {}

    /** Interface to bind (default 127.0.0.1). */
    public RunflowEmulatorBuilder host(String value) {
        this.host = Objects.requireNonNull(value);
        return this;
    }

    /** Plain-HTTP port, 0 for a free one (default 0). */
    public RunflowEmulatorBuilder port(int value) {
        this.port = value;
        return this;
    }

    /** HTTPS port with the dev certificate (or {@link #tlsKeyStore}), 0 for a free one, -1 for none (default -1). */
    public RunflowEmulatorBuilder httpsPort(int value) {
        this.httpsPort = value;
        return this;
    }

    /** Base of the image URLs handed out (default: the HTTPS base when enabled, else the HTTP base). */
    public RunflowEmulatorBuilder publicBaseUrl(String value) {
        this.publicBaseUrl = value;
        return this;
    }

    /** Adds an accepted key with full access (default: {@value RunflowEmulator#DEFAULT_API_KEY} when none is added). */
    public RunflowEmulatorBuilder apiKey(String value) {
        this.apiKeys.add(requireKey(value));
        return this;
    }

    /** Adds a read-only key: GET endpoints only, POSTs answer 403. */
    public RunflowEmulatorBuilder readOnlyKey(String value) {
        this.readOnlyKeys.add(requireKey(value));
        return this;
    }

    /** Requires {@code x-admin-token} on the admin endpoints (default: not required). */
    public RunflowEmulatorBuilder adminToken(String value) {
        this.adminToken = value;
        return this;
    }

    /** Delay between accepting a headshots job and its callback (default 2 s). */
    public RunflowEmulatorBuilder headshotsDelay(Duration value) {
        this.headshotsDelay = requireNonNegative(value);
        return this;
    }

    /** How long generated image URLs stay valid, 410 afterwards (default 24 h). */
    public RunflowEmulatorBuilder imageTtl(Duration value) {
        this.imageTtl = requireNonNegative(value);
        return this;
    }

    /**
     * Latency added before each generated image is served (default none), as a distant CDN would answer; faults
     * never apply to images, this does.
     */
    public RunflowEmulatorBuilder imageLatency(LatencySpec value) {
        this.imageLatency = Objects.requireNonNull(value);
        return this;
    }

    /** How long a run stays queued, then running (defaults 200 ms and 1 s). */
    public RunflowEmulatorBuilder runTimings(Duration queuedFor, Duration runningFor) {
        this.runQueuedFor = requireNonNegative(queuedFor);
        this.runDuration = requireNonNegative(runningFor);
        return this;
    }

    /** Callback retries: first backoff (doubling), ceiling, attempts (defaults 1 s, 1 min, 8). */
    public RunflowEmulatorBuilder callbackRetry(Duration initialBackoff, Duration maxBackoff, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.callbackInitialBackoff = requireNonNegative(initialBackoff);
        this.callbackMaxBackoff = requireNonNegative(maxBackoff);
        this.callbackMaxAttempts = maxAttempts;
        return this;
    }

    /** Time-out of one callback attempt (default 10 s). */
    public RunflowEmulatorBuilder callbackTimeout(Duration value) {
        this.callbackTimeout = requireNonNegative(value);
        return this;
    }

    /** Signs callbacks with Standard Webhooks headers under this {@code whsec_...} secret (default: unsigned). */
    public RunflowEmulatorBuilder webhookSecret(String value) {
        this.webhookSecret = value;
        return this;
    }

    /** Faults in force at start (default none). */
    public RunflowEmulatorBuilder faults(FaultSettings value) {
        this.faults = Objects.requireNonNull(value);
        return this;
    }

    /** Largest image accepted or fetched (default 20 MiB). */
    public RunflowEmulatorBuilder maxImageBytes(int value) {
        this.maxImageBytes = value;
        return this;
    }

    /** Time-out for fetching an image URL (default 10 s). */
    public RunflowEmulatorBuilder fetchTimeout(Duration value) {
        this.fetchTimeout = requireNonNegative(value);
        return this;
    }

    /** Scores cached by content hash and by URL, each (default 10,000). */
    public RunflowEmulatorBuilder scoreCacheSize(int value) {
        this.scoreCacheSize = value;
        return this;
    }

    /** How long a score stays cached for an image URL (default 10 min). */
    public RunflowEmulatorBuilder urlCacheTtl(Duration value) {
        this.urlCacheTtl = requireNonNegative(value);
        return this;
    }

    /** Server worker threads at most (default 256); added latency holds none. */
    public RunflowEmulatorBuilder maxServerThreads(int value) {
        this.maxServerThreads = value;
        return this;
    }

    /** A PKCS12 keystore to serve HTTPS with instead of the dev certificate. */
    public RunflowEmulatorBuilder tlsKeyStore(Path keyStore, String password) {
        this.tlsKeyStore = keyStore;
        this.tlsKeyStorePassword = Objects.requireNonNull(password);
        return this;
    }

    /** The clock used for expiry, outage windows and timestamps (default UTC system clock). */
    public RunflowEmulatorBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value);
        return this;
    }

    /** Validates the settings and builds an unstarted emulator. */
    public RunflowEmulator build() {
        if (port < 0 || port > 65_535 || httpsPort < -1 || httpsPort > 65_535) {
            throw new IllegalArgumentException("ports must be in 0-65535 (HTTPS: -1 for none)");
        }
        if (maxImageBytes < 1024 || scoreCacheSize < 1 || maxServerThreads < 16) {
            throw new IllegalArgumentException("maxImageBytes >= 1024, scoreCacheSize >= 1, maxServerThreads >= 16");
        }
        Set<String> keys = apiKeys.isEmpty() ? Set.of(RunflowEmulator.DEFAULT_API_KEY) : Set.copyOf(apiKeys);
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
        RunflowEmulator.signer(settings); // a bad webhook secret fails here, not at the first callback
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
