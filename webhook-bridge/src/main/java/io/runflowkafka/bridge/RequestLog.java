package io.runflowkafka.bridge;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request with the callback token cut out of the path: a callback URL is a credential, so only
 * its kind and job reference are logged, and of any other path outside the operations routes nothing. Webhook
 * requests log at INFO, everything else at DEBUG.
 */
final class RequestLog implements RequestLogger {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
    private static final String WEBHOOKS = "/webhooks/";
    private static final int KEPT_SEGMENTS = 5;
    private static final int MAX_LOGGED_PATH = 200;
    private static final Set<String> OPS_PATHS = Set.of("/health/live", "/health/ready", "/metrics");

    @Override
    public void handle(Context ctx, Float executionTimeMs) {
        String path = ctx.path();
        if (path.startsWith(WEBHOOKS)) {
            LOG.info(
                    "{} {} {} {} ms",
                    ctx.method(),
                    redact(path),
                    ctx.statusCode(),
                    String.format("%.1f", executionTimeMs));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} {} {} {} ms",
                    ctx.method(),
                    redact(path),
                    ctx.statusCode(),
                    String.format("%.1f", executionTimeMs));
        }
    }

    /**
     * The path safe to log: under {@code /webhooks/} everything after {@code /webhooks/runflow/{kind}/{job_ref}}
     * becomes {@code [redacted]}; control characters become {@code ?}; long paths are cut.
     */
    public static String redact(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        if (!path.startsWith(WEBHOOKS) && !OPS_PATHS.contains(path)) {
            // A stray path may still carry a misdirected callback token: none of it is logged.
            return path.isEmpty() ? "" : "[other path]";
        }
        if (path.startsWith(WEBHOOKS)) {
            String[] segments = path.split("/", -1);
            if (segments.length > KEPT_SEGMENTS) {
                StringBuilder kept = new StringBuilder();
                for (int i = 1; i < KEPT_SEGMENTS; i++) {
                    kept.append('/').append(segments[i]);
                }
                path = kept.append("/[redacted]").toString();
            }
        }
        StringBuilder safe = new StringBuilder(Math.min(path.length(), MAX_LOGGED_PATH + 3));
        for (int i = 0; i < path.length() && i < MAX_LOGGED_PATH; i++) {
            char c = path.charAt(i);
            safe.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (path.length() > MAX_LOGGED_PATH) {
            safe.append("...");
        }
        return safe.toString();
    }
}
