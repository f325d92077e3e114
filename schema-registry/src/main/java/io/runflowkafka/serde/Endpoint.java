package io.runflowkafka.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** One registry URL: where requests go (no user info), how it is shown, and its Authorization header (a secret). */
final class Endpoint {
    final String base;
    final String display;
    final String authorization;

    private Endpoint(String base, String display, String authorization) {
        this.base = base;
        this.display = display;
        this.authorization = authorization;
    }

    static Endpoint of(String url, String sharedAuthorization) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid registry URL " + SchemaRegistryConfig.redact(url));
        }
        String display = SchemaRegistryConfig.redact(url);
        String authorization = sharedAuthorization;
        if (authorization == null
                && uri.getUserInfo() != null
                && !uri.getUserInfo().isEmpty()) {
            authorization = basicAuthHeader(uri.getUserInfo());
        }
        String base = display.endsWith("/") ? display.substring(0, display.length() - 1) : display;
        return new Endpoint(base, display, authorization);
    }

    URI resolve(String path) {
        return URI.create(base + path);
    }

    @Override
    public String toString() {
        return display;
    }

    static String basicAuthHeader(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
