package io.runflowkafka.sink.url;

import java.net.URI;

/**
 * An image URL that passed the URL policy's syntax and allowlist checks: {@code https}, no user-info, an
 * allowlisted host in canonical form. Its addresses are checked again when the fetcher connects.
 *
 * @param uri the parsed URL, fragment removed
 * @param host the host in lower case, IPv6 literals without brackets
 * @param port the explicit port, or 443
 */
public record CheckedUrl(URI uri, String host, int port) {

    /** The URL without its query, for log lines and reasons: a signed CDN URL carries its token in the query. */
    public String redacted() {
        return redact(uri);
    }

    /** {@code uri} without user-info, query and fragment, safe to log. */
    public static String redact(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "?" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + port + path + (uri.getRawQuery() == null ? "" : "?…");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
