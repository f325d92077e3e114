package io.runflowkafka.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The standalone emulator: {@code runflow-emulator --port 8089 ...}; every flag also reads an environment variable. */
@Command(
        name = "runflow-emulator",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        version = "runflow-emulator 0.1.0",
        description = "Runflow on localhost: the Runflow API contract with real image analysis, callbacks, "
                + "expiring image URLs and fault injection. Every option also reads the environment variable shown.")
public final class RunflowEmulatorCommand implements Callable<Integer> {

    @Option(
            names = "--host",
            defaultValue = "${env:RUNFLOW_EMULATOR_HOST:-127.0.0.1}",
            description = "Interface to bind (RUNFLOW_EMULATOR_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "${env:RUNFLOW_EMULATOR_PORT:-8089}",
            description = "Plain-HTTP port, 0 for any free one (RUNFLOW_EMULATOR_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--https-port",
            defaultValue = "${env:RUNFLOW_EMULATOR_HTTPS_PORT:-8443}",
            description =
                    "HTTPS port with the dev certificate, -1 to disable (RUNFLOW_EMULATOR_HTTPS_PORT, default ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(
            names = "--public-base-url",
            defaultValue = "${env:RUNFLOW_EMULATOR_PUBLIC_BASE_URL}",
            description =
                    "Base of the image URLs handed out (RUNFLOW_EMULATOR_PUBLIC_BASE_URL, default: the HTTPS base when on, else the HTTP base).")
    String publicBaseUrl;

    @Option(
            names = "--api-key",
            split = ",",
            defaultValue = "${env:RUNFLOW_EMULATOR_API_KEYS:-sandbox-key}",
            description =
                    "Accepted API key(s), comma-separated or repeated (RUNFLOW_EMULATOR_API_KEYS, default sandbox-key).")
    List<String> apiKeys;

    @Option(
            names = "--read-only-key",
            split = ",",
            defaultValue = "${env:RUNFLOW_EMULATOR_READ_ONLY_KEYS}",
            description =
                    "Read-only key(s): GET only, POST answers 403 (RUNFLOW_EMULATOR_READ_ONLY_KEYS, default none).")
    List<String> readOnlyKeys;

    @Option(
            names = "--admin-token",
            defaultValue = "${env:RUNFLOW_EMULATOR_ADMIN_TOKEN}",
            description = "Require x-admin-token on /admin/* (RUNFLOW_EMULATOR_ADMIN_TOKEN, default: not required).")
    String adminToken;

    @Option(
            names = "--headshots-delay",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_HEADSHOTS_DELAY:-5s}",
            description =
                    "Delay before a headshots job calls back (RUNFLOW_EMULATOR_HEADSHOTS_DELAY, default ${DEFAULT-VALUE}).")
    Duration headshotsDelay;

    @Option(
            names = "--image-ttl",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_IMAGE_TTL:-24h}",
            description =
                    "Validity of generated image URLs, 410 afterwards (RUNFLOW_EMULATOR_IMAGE_TTL, default ${DEFAULT-VALUE}).")
    Duration imageTtl;

    @Option(
            names = "--run-queued-for",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_RUN_QUEUED_FOR:-200ms}",
            description = "Time a model run stays queued (RUNFLOW_EMULATOR_RUN_QUEUED_FOR, default ${DEFAULT-VALUE}).")
    Duration runQueuedFor;

    @Option(
            names = "--run-duration",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_RUN_DURATION:-1s}",
            description = "Time a model run stays running (RUNFLOW_EMULATOR_RUN_DURATION, default ${DEFAULT-VALUE}).")
    Duration runDuration;

    @Option(
            names = "--callback-initial-backoff",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_CALLBACK_INITIAL_BACKOFF:-1s}",
            description =
                    "First wait before re-sending a refused callback, doubling after (RUNFLOW_EMULATOR_CALLBACK_INITIAL_BACKOFF, default ${DEFAULT-VALUE}).")
    Duration callbackInitialBackoff;

    @Option(
            names = "--callback-max-backoff",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_CALLBACK_MAX_BACKOFF:-60s}",
            description =
                    "Longest wait between callback attempts (RUNFLOW_EMULATOR_CALLBACK_MAX_BACKOFF, default ${DEFAULT-VALUE}).")
    Duration callbackMaxBackoff;

    @Option(
            names = "--callback-max-attempts",
            defaultValue = "${env:RUNFLOW_EMULATOR_CALLBACK_MAX_ATTEMPTS:-8}",
            description =
                    "Callback attempts before giving up (RUNFLOW_EMULATOR_CALLBACK_MAX_ATTEMPTS, default ${DEFAULT-VALUE}).")
    int callbackMaxAttempts;

    @Option(
            names = "--callback-timeout",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_CALLBACK_TIMEOUT:-10s}",
            description =
                    "Time-out of one callback attempt (RUNFLOW_EMULATOR_CALLBACK_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration callbackTimeout;

    @Option(
            names = "--webhook-secret",
            defaultValue = "${env:RUNFLOW_EMULATOR_WEBHOOK_SECRET}",
            description =
                    "Sign callbacks with Standard Webhooks headers under this whsec_... secret (RUNFLOW_EMULATOR_WEBHOOK_SECRET, default: unsigned).")
    String webhookSecret;

    @Option(
            names = "--latency",
            defaultValue = "${env:RUNFLOW_EMULATOR_LATENCY:-0}",
            description =
                    "Added latency in ms: 200, uniform:100-300, normal:200,50 or exponential:200 (RUNFLOW_EMULATOR_LATENCY, default ${DEFAULT-VALUE}).")
    String latency;

    @Option(
            names = "--image-latency",
            defaultValue = "${env:RUNFLOW_EMULATOR_IMAGE_LATENCY:-0}",
            description =
                    "Latency in ms added before each generated image is served, like a distant CDN; same forms as --latency (RUNFLOW_EMULATOR_IMAGE_LATENCY, default ${DEFAULT-VALUE}).")
    String imageLatency;

    @Option(
            names = "--error-rate",
            split = ",",
            defaultValue = "${env:RUNFLOW_EMULATOR_ERROR_RATES}",
            description = "Injected error rates, e.g. 429=0.1,503=0.05 (RUNFLOW_EMULATOR_ERROR_RATES, default none).")
    Map<Integer, Double> errorRates;

    @Option(
            names = "--retry-after",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_RETRY_AFTER:-1s}",
            description =
                    "Retry-After sent with injected 429/503 and outages (RUNFLOW_EMULATOR_RETRY_AFTER, default ${DEFAULT-VALUE}).")
    Duration retryAfter;

    @Option(
            names = "--outage-after",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_OUTAGE_AFTER:-0}",
            description =
                    "Start of a full outage, counted from start-up (RUNFLOW_EMULATOR_OUTAGE_AFTER, default ${DEFAULT-VALUE}).")
    Duration outageAfter;

    @Option(
            names = "--outage-duration",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_OUTAGE_DURATION:-0}",
            description =
                    "Length of the outage, 0 for none (RUNFLOW_EMULATOR_OUTAGE_DURATION, default ${DEFAULT-VALUE}).")
    Duration outageDuration;

    @Option(
            names = "--slow-body",
            converter = DurationConverter.class,
            defaultValue = "${env:RUNFLOW_EMULATOR_SLOW_BODY:-0}",
            description =
                    "Dribble every API response body over this time (RUNFLOW_EMULATOR_SLOW_BODY, default ${DEFAULT-VALUE}).")
    Duration slowBody;

    @Option(
            names = "--max-image-bytes",
            defaultValue = "${env:RUNFLOW_EMULATOR_MAX_IMAGE_BYTES:-20971520}",
            description =
                    "Largest image accepted or fetched (RUNFLOW_EMULATOR_MAX_IMAGE_BYTES, default ${DEFAULT-VALUE}).")
    int maxImageBytes;

    @Option(
            names = "--score-cache-size",
            defaultValue = "${env:RUNFLOW_EMULATOR_SCORE_CACHE_SIZE:-10000}",
            description =
                    "Scores cached by content hash and by URL, each (RUNFLOW_EMULATOR_SCORE_CACHE_SIZE, default ${DEFAULT-VALUE}).")
    int scoreCacheSize;

    @Option(
            names = "--max-threads",
            defaultValue = "${env:RUNFLOW_EMULATOR_MAX_THREADS:-256}",
            description = "Server worker threads at most (RUNFLOW_EMULATOR_MAX_THREADS, default ${DEFAULT-VALUE}).")
    int maxThreads;

    @Option(
            names = "--tls-keystore",
            defaultValue = "${env:RUNFLOW_EMULATOR_TLS_KEYSTORE}",
            description = "PKCS12 keystore for HTTPS instead of the dev certificate (RUNFLOW_EMULATOR_TLS_KEYSTORE).")
    Path tlsKeyStore;

    @Option(
            names = "--tls-keystore-password",
            defaultValue = "${env:RUNFLOW_EMULATOR_TLS_KEYSTORE_PASSWORD}",
            description = "Its password (RUNFLOW_EMULATOR_TLS_KEYSTORE_PASSWORD).")
    String tlsKeyStorePassword;

    /** Runs the emulator until the process is stopped. */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new RunflowEmulatorCommand());
        int exit = commandLine.execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        RunflowEmulator emulator = toBuilder().build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulator.close();
                            stopped.countDown();
                        },
                        "runflow-emulator-shutdown"));
        System.out.println("Runflow emulator ready: API " + emulator.baseUrl()
                + (emulator.httpsBaseUrl() == null ? "" : ", HTTPS " + emulator.httpsBaseUrl())
                + ", samples " + emulator.publicBaseUrl() + "/sandbox/samples (Ctrl-C to stop)");
        stopped.await();
        return 0;
    }

    RunflowEmulatorBuilder toBuilder() {
        RunflowEmulatorBuilder builder = RunflowEmulator.builder()
                .host(host)
                .port(port)
                .httpsPort(httpsPort)
                .publicBaseUrl(blankToNull(publicBaseUrl))
                .adminToken(blankToNull(adminToken))
                .headshotsDelay(headshotsDelay)
                .imageTtl(imageTtl)
                .imageLatency(LatencySpec.parse(imageLatency))
                .runTimings(runQueuedFor, runDuration)
                .callbackRetry(callbackInitialBackoff, callbackMaxBackoff, callbackMaxAttempts)
                .callbackTimeout(callbackTimeout)
                .webhookSecret(blankToNull(webhookSecret))
                .maxImageBytes(maxImageBytes)
                .scoreCacheSize(scoreCacheSize)
                .maxServerThreads(maxThreads);
        apiKeys.stream().filter(k -> !k.isBlank()).forEach(builder::apiKey);
        if (readOnlyKeys != null) {
            readOnlyKeys.stream().filter(k -> !k.isBlank()).forEach(builder::readOnlyKey);
        }
        if (tlsKeyStore != null) {
            if (tlsKeyStorePassword == null) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--tls-keystore needs --tls-keystore-password");
            }
            builder.tlsKeyStore(tlsKeyStore, tlsKeyStorePassword);
        }
        FaultSettings faults = FaultSettings.NONE
                .withLatency(LatencySpec.parse(latency))
                .withRetryAfter(retryAfter)
                .withErrorRates(errorRates == null ? Map.of() : errorRates)
                .withSlowBody(slowBody);
        if (!outageDuration.isZero()) {
            Instant start = Instant.now().plus(outageAfter);
            faults = faults.withOutage(start, start.plus(outageDuration));
        }
        return builder.faults(faults);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
