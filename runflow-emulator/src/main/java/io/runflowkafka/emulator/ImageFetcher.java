package io.runflowkafka.emulator;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/** Downloads the photos behind {@code image_url} / {@code input_images}, as Runflow does, with a size cap. */
final class ImageFetcher {

    private final HttpClient http;
    private final int maxBytes;
    private final Duration timeout;

    ImageFetcher(HttpClient http, int maxBytes, Duration timeout) {
        this.http = http;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /** Fails with {@link ApiError} 422 when the URL is malformed, unreachable, not 2xx or too large. */
    CompletableFuture<byte[]> fetch(String url) {
        URI uri = validate(url);
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        http.newRequest(uri)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> h.put(HttpHeader.ACCEPT, "image/*"))
                .send(new BufferingResponseListener(maxBytes) {
                    @Override
                    public void onComplete(Result outcome) {
                        if (outcome.isFailed()) {
                            Throwable failure = outcome.getFailure();
                            String reason = failure instanceof IllegalArgumentException
                                    ? "larger than " + maxBytes + " bytes"
                                    : failure.getClass().getSimpleName();
                            result.completeExceptionally(new ApiError(422, "could not fetch the image URL: " + reason));
                            return;
                        }
                        int status = outcome.getResponse().getStatus();
                        if (status < 200 || status > 299) {
                            result.completeExceptionally(
                                    new ApiError(422, "could not fetch the image URL: it answered HTTP " + status));
                            return;
                        }
                        result.complete(getContent());
                    }
                });
        return result;
    }

    static URI validate(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ApiError(422, "image URL is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new ApiError(422, "image URL must be an absolute http(s) URL");
        }
        return uri;
    }
}
