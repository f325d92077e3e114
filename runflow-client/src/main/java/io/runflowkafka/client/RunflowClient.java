package io.runflowkafka.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking client for every Runflow endpoint: Score Image and Generate Headshots (Solutions
 * API, {@code x-api-key}), model runs and health (Model API, {@code Bearer}). Build one per process
 * and share it: it holds a connection pool, and no thread waits on an in-flight call.
 *
 * <p>Every call returns a {@link CompletableFuture} that fails with a {@link RunflowException}
 * subclass. The client never retries; wrap a call in {@link RetryPolicy#execute} for that. Futures
 * complete on the client's I/O threads: do not block in dependent stages (use the {@code *Async}
 * variants for heavy work). The API key is never logged nor shown in messages or {@link #toString()}.
 */
public final class RunflowClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunflowClient.class);

    private static final String SCORE_PATH = "/api/v1/images/score";
    private static final String HEADSHOTS_PATH = "/api/v1/images/generate-headshots";
    private static final String RUNS_PATH = "/v1/runs/";
    private static final String MODELS_PATH = "/v1/models/";
    private static final String HEALTH_PATH = "/v1/health";
    private static final String JSON = "application/json";
    private static final String USER_AGENT = "runflow-kafka-client/1";

    private enum Auth {
        API_KEY,
        BEARER
    }

    @FunctionalInterface
    private interface BodyReader<T> {
        T read(byte[] body) throws IOException;
    }

    private final RunflowClientConfig config;
    private final String base;
    private final HttpClient http;
    private final ResponseParser parser = new ResponseParser();

    /**
     * Creates and starts a client.
     *
     * @param config where Runflow is, the key, time-outs and pool size
     * @throws IllegalStateException when the HTTP machinery cannot start
     */
    public RunflowClient(RunflowClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        String url = config.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = startHttpClient(config);
    }

    private static HttpClient startHttpClient(RunflowClientConfig config) {
        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(config.connectTimeout());
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (config.trustStore() != null) {
            tls.setTrustStore(config.trustStore());
        }
        connector.setSslContextFactory(tls);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("runflow-client");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        // Daemon threads: a client someone forgot to close must not keep the JVM alive.
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("runflow-client-scheduler", true);
        connector.setScheduler(scheduler);

        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        client.setMaxConnectionsPerDestination(config.maxConnectionsPerDestination());
        client.setMaxRequestsQueuedPerDestination(config.maxRequestsQueuedPerDestination());
        // The API never redirects; following one could send the key to another host.
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        // Pooled connections idle longer than this are closed.
        client.setIdleTimeout(Math.max(config.requestTimeout().toMillis(), 30_000L));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Runflow HTTP client", e);
        }
        // Jetty (on start) adds handlers that treat a 401 without WWW-Authenticate as a protocol
        // violation; Runflow's 401s carry none, and this client never answers challenges anyway.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        return client;
    }

    /** The configuration this client was built from (its {@code toString} masks the key). */
    public RunflowClientConfig config() {
        return config;
    }

    /**
     * Scores a photo Runflow fetches itself ({@code POST /api/v1/images/score}, JSON {@code image_url}).
     *
     * @param imageUrl a publicly reachable URL of the photo
     * @return the score
     */
    public CompletableFuture<ScoreResult> scoreImageUrl(String imageUrl) {
        requireHttpUrl("imageUrl", imageUrl);
        Request request =
                newRequest(HttpMethod.POST, SCORE_PATH, Auth.API_KEY).body(jsonBody(Map.of("image_url", imageUrl)));
        return exchange(request, "POST " + SCORE_PATH, parser::score);
    }

    /**
     * Scores a photo sent as a multipart file part named {@code image}.
     *
     * @param image the encoded photo (JPEG, PNG or WebP)
     * @param fileName the file name reported to the server
     * @param contentType the photo's media type
     * @return the score
     */
    public CompletableFuture<ScoreResult> scoreImageFile(byte[] image, String fileName, String contentType) {
        return scoreImageFile(new ImageFile(image, fileName, contentType));
    }

    /**
     * Scores a photo sent as a multipart file part named {@code image}.
     *
     * @param image the photo
     * @return the score
     */
    public CompletableFuture<ScoreResult> scoreImageFile(ImageFile image) {
        Objects.requireNonNull(image, "image");
        MultiPartRequestContent multipart = new MultiPartRequestContent();
        multipart.addPart(filePart("image", image));
        multipart.close();
        Request request = newRequest(HttpMethod.POST, SCORE_PATH, Auth.API_KEY).body(multipart);
        return exchange(request, "POST " + SCORE_PATH, parser::score);
    }

    /**
     * Starts a Generate Headshots job from photo URLs (JSON {@code callback_url} + {@code input_images}).
     *
     * @param callbackUrl where Runflow POSTs {@code headshots.completed}
     * @param inputImageUrls publicly reachable URLs of the portrait photos, at least one
     * @return the accepted job's id
     */
    public CompletableFuture<HeadshotsSubmission> generateHeadshots(String callbackUrl, List<String> inputImageUrls) {
        requireHttpUrl("callbackUrl", callbackUrl);
        Objects.requireNonNull(inputImageUrls, "inputImageUrls");
        if (inputImageUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one input image URL is required");
        }
        inputImageUrls.forEach(url -> requireHttpUrl("inputImageUrls", url));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("callback_url", callbackUrl);
        body.put("input_images", List.copyOf(inputImageUrls));
        Request request =
                newRequest(HttpMethod.POST, HEADSHOTS_PATH, Auth.API_KEY).body(jsonBody(body));
        return exchange(request, "POST " + HEADSHOTS_PATH, parser::headshots);
    }

    /**
     * Starts a Generate Headshots job from photo files (multipart {@code callback_url} + repeated
     * {@code images}).
     *
     * @param callbackUrl where Runflow POSTs {@code headshots.completed}
     * @param images the portrait photos, at least one
     * @return the accepted job's id
     */
    public CompletableFuture<HeadshotsSubmission> generateHeadshotsFromFiles(
            String callbackUrl, List<ImageFile> images) {
        requireHttpUrl("callbackUrl", callbackUrl);
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("at least one image is required");
        }
        MultiPartRequestContent multipart = new MultiPartRequestContent();
        multipart.addPart(new MultiPart.ContentSourcePart(
                "callback_url", null, HttpFields.EMPTY, new StringRequestContent(callbackUrl)));
        for (ImageFile image : images) {
            multipart.addPart(filePart("images", image));
        }
        multipart.close();
        Request request =
                newRequest(HttpMethod.POST, HEADSHOTS_PATH, Auth.API_KEY).body(multipart);
        return exchange(request, "POST " + HEADSHOTS_PATH, parser::headshots);
    }

    /**
     * Creates a Model API run ({@code POST /v1/models/{owner}/{slug}/runs}).
     *
     * @param run the model, its input and the optional callback, metadata and client reference
     * @return the created run, usually {@code queued}
     */
    public CompletableFuture<ModelRun> createRun(ModelRunRequest run) {
        Objects.requireNonNull(run, "run");
        StringBuilder path = new StringBuilder(MODELS_PATH).append(UriEncoding.pathSegment(run.owner()));
        for (String segment : run.slug().split("/")) {
            path.append('/').append(UriEncoding.pathSegment(segment));
        }
        path.append("/runs");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("input", run.input());
        if (run.callbackUrl() != null) {
            body.put("callback_url", run.callbackUrl());
        }
        if (!run.metadata().isEmpty()) {
            body.put("metadata", run.metadata());
        }
        if (run.clientRef() != null) {
            body.put("client_ref", run.clientRef());
        }
        Request request =
                newRequest(HttpMethod.POST, path.toString(), Auth.BEARER).body(jsonBody(body));
        // The model path is logged, never the input (it may hold URLs with signed queries).
        return exchange(request, "POST " + MODELS_PATH + run.model() + "/runs", parser::run);
    }

    /**
     * Reads a run's current state ({@code GET /v1/runs/{id}}).
     *
     * @param id the run's id
     * @return the run
     */
    public CompletableFuture<ModelRun> getRun(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("run id is blank");
        }
        Request request = newRequest(HttpMethod.GET, RUNS_PATH + UriEncoding.pathSegment(id), Auth.BEARER);
        return exchange(request, "GET " + RUNS_PATH + "{id}", parser::run);
    }

    /**
     * Polls {@code GET /v1/runs/{id}} until the run reaches a terminal {@code status_code}; the waits
     * between polls hold no thread. A failed poll fails the future (wrap in a {@link RetryPolicy} to
     * ride out transient errors).
     *
     * @param id the run's id
     * @param pollInterval the pause between polls
     * @param maxWait how long to poll before failing with {@link RunflowTimeoutException}
     * @return the run in its terminal state
     */
    public CompletableFuture<ModelRun> awaitRun(String id, Duration pollInterval, Duration maxWait) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(maxWait, "maxWait");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
        CompletableFuture<ModelRun> result = new CompletableFuture<>();
        poll(id, pollInterval, maxWait, System.nanoTime() + maxWait.toNanos(), result);
        return result;
    }

    private void poll(
            String id, Duration interval, Duration maxWait, long deadline, CompletableFuture<ModelRun> result) {
        if (result.isDone()) {
            return;
        }
        getRun(id).whenComplete((run, error) -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
            } else if (run.isTerminal()) {
                result.complete(run);
            } else if (System.nanoTime() + interval.toNanos() > deadline) {
                result.completeExceptionally(new RunflowTimeoutException(
                        "run " + id + " still " + run.statusCode() + " after " + maxWait,
                        RunflowTimeoutException.Kind.TOTAL,
                        null));
            } else {
                try {
                    http.getScheduler()
                            .schedule(
                                    () -> poll(id, interval, maxWait, deadline, result),
                                    interval.toNanos(),
                                    TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new ConnectionFailedException("client is closed", e));
                }
            }
        });
    }

    /**
     * Asks Runflow whether it is up ({@code GET /v1/health}); a 5xx answer fails the future with
     * {@link ServerErrorException}.
     *
     * @return the reported health
     */
    public CompletableFuture<HealthStatus> health() {
        Request request = newRequest(HttpMethod.GET, HEALTH_PATH, Auth.BEARER);
        return exchange(request, "GET " + HEALTH_PATH, parser::health);
    }

    /** Stops the client: in-flight calls fail with {@link ConnectionFailedException}. */
    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("Runflow client did not stop cleanly: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "RunflowClient[" + config + "]";
    }

    private Request newRequest(HttpMethod method, String path, Auth auth) {
        return http.newRequest(base + path)
                .method(method)
                .timeout(config.totalTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(headers -> {
                    headers.put(HttpHeader.ACCEPT, JSON);
                    if (auth == Auth.API_KEY) {
                        headers.put("x-api-key", config.apiKey());
                    } else {
                        headers.put(HttpHeader.AUTHORIZATION, "Bearer " + config.apiKey());
                    }
                });
    }

    private Request.Content jsonBody(Object body) {
        return new BytesRequestContent(JSON, parser.write(body));
    }

    private static MultiPart.Part filePart(String name, ImageFile image) {
        // Quotes and line breaks would break the Content-Disposition header.
        String fileName = image.fileName().replaceAll("[\"\\r\\n\\\\]", "_");
        HttpFields fields = HttpFields.build().put(HttpHeader.CONTENT_TYPE, image.contentType());
        return new MultiPart.ContentSourcePart(name, fileName, fields, new BytesRequestContent(image.bytes()));
    }

    private <T> CompletableFuture<T> exchange(Request request, String operation, BodyReader<T> reader) {
        CompletableFuture<T> future = new CompletableFuture<>();
        long start = System.nanoTime();
        request.send(new BufferingResponseListener(config.maxResponseBytes()) {
            @Override
            public void onComplete(Result result) {
                try {
                    if (result.isFailed()) {
                        future.completeExceptionally(failure(operation, result));
                        return;
                    }
                    Response response = result.getResponse();
                    int status = response.getStatus();
                    if (LOG.isDebugEnabled()) {
                        LOG.debug(
                                "{} -> {} in {} ms",
                                operation,
                                status,
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    }
                    if (status >= 200 && status < 300) {
                        future.complete(read(operation, status, reader, getContent()));
                    } else {
                        future.completeExceptionally(statusFailure(operation, response, getContent()));
                    }
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            }
        });
        future.whenComplete((value, error) -> {
            if (error instanceof CancellationException) {
                request.abort(error);
            }
        });
        return future;
    }

    private static <T> T read(String operation, int status, BodyReader<T> reader, byte[] body) {
        try {
            return reader.read(body);
        } catch (IOException e) {
            throw new UnexpectedResponseException(
                    operation + ": unexpected " + status + " body: " + e.getMessage(), status, e);
        }
    }

    private RunflowException statusFailure(String operation, Response response, byte[] body) {
        int status = response.getStatus();
        String serverMessage = parser.serverMessage(body);
        String message = operation + ": " + status + (serverMessage.isEmpty() ? "" : " " + serverMessage);
        if (status == 401) {
            return new UnauthorizedException(message);
        }
        if (status == 403) {
            return new ForbiddenException(message);
        }
        if (status == 408) {
            return new RunflowTimeoutException(message, RunflowTimeoutException.Kind.SERVER, null);
        }
        if (status == 429) {
            Duration retryAfter = retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER));
            return new RateLimitedException(
                    message + (retryAfter == null ? "" : " (retry after " + retryAfter + ")"), retryAfter);
        }
        if (status >= 500 && status < 600) {
            return new ServerErrorException(
                    message, status, retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER)));
        }
        if (status >= 400 && status < 500) {
            return new InvalidRequestException(message, status, serverMessage);
        }
        return new UnexpectedResponseException(message, status, null);
    }

    private RunflowException failure(String operation, Result result) {
        Throwable cause = result.getFailure();
        if (cause instanceof SocketTimeoutException) {
            return new RunflowTimeoutException(
                    operation + ": connect time-out after " + config.connectTimeout(),
                    RunflowTimeoutException.Kind.CONNECT,
                    cause);
        }
        if (cause instanceof TimeoutException) {
            String text = String.valueOf(cause.getMessage());
            if (text.startsWith("Total timeout")) {
                return new RunflowTimeoutException(
                        operation + ": no answer within the total time-out of " + config.totalTimeout(),
                        RunflowTimeoutException.Kind.TOTAL,
                        cause);
            }
            return new RunflowTimeoutException(
                    operation + ": connection idle longer than the request time-out of " + config.requestTimeout(),
                    RunflowTimeoutException.Kind.IDLE,
                    cause);
        }
        if (cause instanceof RejectedExecutionException) {
            return new ConnectionFailedException(
                    operation + ": request refused locally (client closed or more than "
                            + config.maxRequestsQueuedPerDestination() + " calls queued)",
                    cause);
        }
        Response response = result.getResponse();
        if (cause instanceof IllegalArgumentException && response != null && response.getStatus() > 0) {
            return new UnexpectedResponseException(
                    operation + ": response body larger than " + config.maxResponseBytes() + " bytes",
                    response.getStatus(),
                    cause);
        }
        return new ConnectionFailedException(operation + ": " + cause, cause);
    }

    /** Reads {@code Retry-After} as delta-seconds or an HTTP-date; {@code null} when absent or malformed. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            return Duration.ofSeconds(Math.max(0L, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(
                        java.time.Instant.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static void requireHttpUrl(String name, String url) {
        Objects.requireNonNull(url, name);
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.startsWith("https://") || lower.startsWith("http://")) || url.length() > 8192) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
