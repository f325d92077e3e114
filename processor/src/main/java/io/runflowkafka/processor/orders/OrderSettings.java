package io.runflowkafka.processor.orders;

import io.runflowkafka.processor.calls.CallSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * When an order is submitted and how its submission is called.
 *
 * @param photosPerJob an order is submitted as soon as it has this many accepted photos
 * @param minPhotos an idle order is submitted only with at least this many
 * @param idleTimeout an order with at least {@code minPhotos} is submitted this long after its latest photo's own (upload) time
 * @param bridgePublicUrl where Runflow reaches the webhook bridge, e.g. {@code https://hooks.example.com}
 * @param calls how submissions are held, drained and retried (the same as the quality gate's score calls)
 * @param traceInCallbackUrl whether the callback URL carries the job's signed trace context as a query
 */
public record OrderSettings(
        int photosPerJob,
        int minPhotos,
        Duration idleTimeout,
        String bridgePublicUrl,
        CallSettings calls,
        boolean traceInCallbackUrl) {

    private static final Duration MAX_IDLE_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** Checks the bounds and the bridge URL. */
    public OrderSettings {
        if (photosPerJob < 1) {
            throw new IllegalArgumentException("photos-per-job must be at least 1 but was " + photosPerJob);
        }
        if (minPhotos < 1 || minPhotos > photosPerJob) {
            throw new IllegalArgumentException(
                    "min-photos must be between 1 and photos-per-job (" + photosPerJob + ") but was " + minPhotos);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
        Objects.requireNonNull(calls, "calls");
        bridgePublicUrl = checkBridgeUrl(bridgePublicUrl);
    }

    /** Settings whose callback URLs carry the job's trace context (the default). */
    public OrderSettings(
            int photosPerJob, int minPhotos, Duration idleTimeout, String bridgePublicUrl, CallSettings calls) {
        this(photosPerJob, minPhotos, idleTimeout, bridgePublicUrl, calls, true);
    }

    /**
     * How often the idle orders are looked for: a tenth of the timeout, at most every second, so an order is
     * submitted at most about 10 % (or 1 s) after its deadline.
     */
    public Duration idleCheckInterval() {
        Duration tenth = idleTimeout.dividedBy(10);
        if (tenth.compareTo(MAX_IDLE_CHECK_INTERVAL) > 0) {
            return MAX_IDLE_CHECK_INTERVAL;
        }
        return tenth.toMillis() < 1 ? Duration.ofMillis(1) : Duration.ofMillis(tenth.toMillis());
    }

    private static String checkBridgeUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the webhook bridge's public URL is required");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the webhook bridge's public URL is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http"))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the webhook bridge's public URL must be an http(s) URL with a host "
                    + "and no user info, query or fragment");
        }
        return url.strip();
    }
}
