package io.runflowkafka.client;

import io.runflowkafka.callbacks.UriEncoding;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MultiPart;
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
    private final Failures failures;

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
        this.http = JettyHttpClients.start(config, USER_AGENT);
        this.failures = new Failures(config, parser);
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
        return new RunPoller(this::getRun, http.getScheduler()).await(id, pollInterval, maxWait);
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
                        future.completeExceptionally(failures.transport(operation, result));
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
                        future.completeExceptionally(failures.status(operation, response, getContent()));
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

    private static void requireHttpUrl(String name, String url) {
        Objects.requireNonNull(url, name);
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.startsWith("https://") || lower.startsWith("http://")) || url.length() > 8192) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
        }
    }
}
