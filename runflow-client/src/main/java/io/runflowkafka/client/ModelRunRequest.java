package io.runflowkafka.client;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Model API run to create ({@code POST /v1/models/{owner}/{slug}/runs}): the model, its
 * model-specific {@code input}, and the optional {@code callback_url}, {@code metadata} and
 * {@code client_ref} (at most 255 characters).
 *
 * @param owner the model's owner, e.g. {@code openai}
 * @param slug the model's slug, which may contain slashes, e.g. {@code gpt-image-2/edit}
 * @param input model-specific input fields
 * @param callbackUrl absolute http(s) URL called when the run completes, or {@code null}
 * @param metadata free-form key/value tags, possibly empty
 * @param clientRef the caller's own identifier for the run, or {@code null}
 */
public record ModelRunRequest(
        String owner,
        String slug,
        Map<String, Object> input,
        String callbackUrl,
        Map<String, Object> metadata,
        String clientRef) {

    /** Longest {@code client_ref} the API accepts. */
    public static final int MAX_CLIENT_REF_LENGTH = 255;

    /** Validates every field the API constrains, so a bad request fails before it is sent. */
    public ModelRunRequest {
        requireSegment("owner", owner);
        Objects.requireNonNull(slug, "slug");
        for (String segment : slug.split("/", -1)) {
            requireSegment("slug", segment);
        }
        // Copies keep insertion order and allow JSON nulls, which Map.copyOf would reject.
        input = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(input, "input")));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (callbackUrl != null) {
            URI uri = URI.create(callbackUrl);
            if (!uri.isAbsolute()
                    || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("callback_url must be an absolute http(s) URL");
            }
        }
        if (clientRef != null && clientRef.length() > MAX_CLIENT_REF_LENGTH) {
            throw new IllegalArgumentException("client_ref must be at most " + MAX_CLIENT_REF_LENGTH
                    + " characters but has " + clientRef.length());
        }
    }

    /** The model as {@code owner/slug}. */
    public String model() {
        return owner + "/" + slug;
    }

    /**
     * Starts a request for a model.
     *
     * @param owner the model's owner
     * @param slug the model's slug
     * @return a builder
     */
    public static Builder builder(String owner, String slug) {
        return new Builder(owner, slug);
    }

    private static void requireSegment(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()
                || value.equals(".")
                || value.equals("..")
                || value.contains("/")
                || value.chars().anyMatch(c -> c < 0x21 || c == '?' || c == '#' || c == '%')) {
            throw new IllegalArgumentException(name + " has an empty or invalid path segment");
        }
    }

    /** Builds a {@link ModelRunRequest}. */
    public static final class Builder {
        private final String owner;
        private final String slug;
        private Map<String, Object> input = Map.of();
        private String callbackUrl;
        private Map<String, Object> metadata = Map.of();
        private String clientRef;

        private Builder(String owner, String slug) {
            this.owner = owner;
            this.slug = slug;
        }

        /** Sets the model-specific input. */
        public Builder input(Map<String, Object> value) {
            this.input = value;
            return this;
        }

        /** Sets the URL called when the run completes. */
        public Builder callbackUrl(String value) {
            this.callbackUrl = value;
            return this;
        }

        /** Sets free-form tags. */
        public Builder metadata(Map<String, Object> value) {
            this.metadata = value;
            return this;
        }

        /** Sets the caller's own run identifier (at most 255 characters). */
        public Builder clientRef(String value) {
            this.clientRef = value;
            return this;
        }

        /** Validates and builds the request. */
        public ModelRunRequest build() {
            return new ModelRunRequest(owner, slug, input, callbackUrl, metadata, clientRef);
        }
    }
}
