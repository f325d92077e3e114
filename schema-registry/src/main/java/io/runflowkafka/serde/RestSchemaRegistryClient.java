package io.runflowkafka.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API (also served by Redpanda, Karapace and Apicurio's ccompat API).
 * Tries the configured URLs in order, stays on the last one that answered, and bounds every call by the configured time-outs.
 * It does not cache: {@link SchemaRegistryClient#create(SchemaRegistryConfig)} wraps it in a {@link CachingSchemaRegistryClient}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** Media type of the registry's API, sent as Content-Type of every request body. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Endpoint> endpoints;
    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final RegistryErrors errors;
    private final AtomicInteger preferred = new AtomicInteger();

    /** Creates a client for the configured URLs, time-outs and credentials; the configuration must not be a {@code mock://} one. */
    public RestSchemaRegistryClient(SchemaRegistryConfig config) {
        if (config.mockScope().isPresent()) {
            throw new IllegalArgumentException("mock:// URLs are served by MockSchemaRegistry, not over REST");
        }
        String sharedAuth = config.userInfo().map(Endpoint::basicAuthHeader).orElse(null);
        this.endpoints = config.urls().stream()
                .map(url -> Endpoint.of(url, sharedAuth))
                .collect(Collectors.toUnmodifiableList());
        this.connectTimeout = config.connectTimeout();
        this.readTimeout = config.readTimeout();
        this.errors = new RegistryErrors(config.credentialsSource());
        // HTTP/1.1 on purpose: the JDK client's h2c upgrade attempt on http:// confuses some proxies in front of
        // registries.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Call call = new Call(
                "register schema " + schema.getFullName() + " under subject '" + subject + "'", subject, schema, null);
        JsonNode body = send(call, "POST", "/subjects/" + pathSegment(subject) + "/versions", schemaBody(schema));
        int id = requiredInt(body, "id", call);
        LOG.info("Registered schema {} under subject '{}' as id {}", schema.getFullName(), subject, id);
        return id;
    }

    @Override
    public int getId(String subject, Schema schema) {
        Call call = new Call(
                "look up schema " + schema.getFullName() + " under subject '" + subject + "'", subject, schema, null);
        return requiredInt(send(call, "POST", "/subjects/" + pathSegment(subject), schemaBody(schema)), "id", call);
    }

    @Override
    public boolean readsMayLag() {
        return true;
    }

    @Override
    public Schema getSchemaById(int id) {
        Call call = new Call("fetch schema id " + id, null, null, id);
        JsonNode body = send(call, "GET", "/schemas/ids/" + id, null);
        return parseSchema(body, call);
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        Call call = new Call("fetch the latest version of subject '" + subject + "'", subject, null, null);
        JsonNode body = send(call, "GET", "/subjects/" + pathSegment(subject) + "/versions/latest", null);
        return new RegisteredSchema(
                subject, requiredInt(body, "id", call), requiredInt(body, "version", call), parseSchema(body, call));
    }

    /**
     * Tests the schema against the subject as registering it would, under the subject's compatibility level
     * ({@code POST /compatibility/subjects/{s}/versions?verbose=true}, Confluent 6.2 and later), and returns the
     * registry's reasons: empty when it is compatible, or when the subject has nothing registered yet.
     */
    public List<String> testCompatibility(String subject, Schema schema) {
        Call call = new Call(
                "test schema " + schema.getFullName() + " for compatibility with subject '" + subject + "'",
                subject,
                schema,
                null);
        JsonNode body = send(
                call,
                "POST",
                "/compatibility/subjects/" + pathSegment(subject) + "/versions?verbose=true",
                schemaBody(schema));
        JsonNode compatible = body == null ? null : body.get("is_compatible");
        if (compatible == null || !compatible.isBoolean()) {
            throw new SchemaRegistryException(
                    "Schema Registry answered a request to " + call.what() + " without a boolean 'is_compatible' field",
                    null);
        }
        if (compatible.booleanValue()) {
            return List.of();
        }
        List<String> reasons = new ArrayList<>();
        body.path("messages").forEach(message -> reasons.add(message.asText()));
        return reasons.isEmpty() ? List.of("the registry gave no reason") : reasons;
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient"
                + endpoints.stream().map(e -> e.display).collect(Collectors.toList());
    }

    /** Sends the request to each URL in turn, from the last one that answered, until one gives an answer that is not an outage. */
    private JsonNode send(Call call, String method, String path, String body) {
        List<String> failures = new ArrayList<>();
        Exception lastFailure = null;
        int start = preferred.get();
        for (int attempt = 0; attempt < endpoints.size(); attempt++) {
            int index = (start + attempt) % endpoints.size();
            Endpoint endpoint = endpoints.get(index);
            HttpResponse<String> response;
            try {
                response = exchange(endpoint, method, path, body);
            } catch (IOException | TimeoutException e) {
                failures.add(endpoint.display + " (" + describe(e) + ")");
                lastFailure = e;
                continue;
            }
            int status = response.statusCode();
            if (status >= 500 || status == 408 || status == 429) {
                failures.add(endpoint.display + " (HTTP " + status + RegistryErrors.errorText(response.body()) + ")");
                lastFailure = null;
                continue;
            }
            if (index != start) {
                preferred.set(index);
                LOG.warn("Schema Registry failed over to {} after: {}", endpoint.display, String.join(", ", failures));
            }
            if (status >= 200 && status < 300) {
                return parseJson(response.body(), endpoint, call);
            }
            throw errors.of(endpoint, call, status, response.body());
        }
        throw new SchemaRegistryUnavailableException(
                "Schema Registry unavailable: could not " + call.what() + "; tried "
                        + String.join(", ", failures) + ". Check " + SchemaRegistryConfig.SCHEMA_REGISTRY_URL
                        + " and that the registry is running and reachable.",
                lastFailure);
    }

    private HttpResponse<String> exchange(Endpoint endpoint, String method, String path, String body)
            throws IOException, TimeoutException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(readTimeout)
                .header("Accept", ACCEPT);
        if (endpoint.authorization != null) {
            request.header("Authorization", endpoint.authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        CompletableFuture<HttpResponse<String>> future =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            // The request time-out only covers the wait for the headers; this bound also covers a body that never ends.
            return future.get(connectTimeout.plus(readTimeout).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw new InterruptException(e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException(cause == null ? "request failed" : cause.toString(), cause);
        }
    }

    private String describe(Exception e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + connectTimeout.toMillis() + " ms";
        }
        if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
            return "no response within " + readTimeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static JsonNode parseJson(String body, Endpoint endpoint, Call call) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(
                    "Schema Registry at " + endpoint.display + " answered a request to " + call.what()
                            + " with a body that is not JSON" + RegistryErrors.errorText(body),
                    e);
        }
    }

    private static int requiredInt(JsonNode body, String field, Call call) {
        JsonNode value = body == null ? null : body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "Schema Registry answered a request to " + call.what() + " without a numeric '" + field + "' field",
                    null);
        }
        return value.intValue();
    }

    private static Schema parseSchema(JsonNode body, Call call) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(
                    "Could not " + call.what() + ": it is a " + type + " schema, not Avro", null);
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(
                    "Schema Registry answered a request to " + call.what() + " without a 'schema' field", null);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "Could not " + call.what() + ": the registry returned a schema Avro cannot parse (" + e.getMessage()
                            + ")",
                    e);
        }
    }

    private static String schemaBody(Schema schema) {
        try {
            return JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a JSON string", e);
        }
    }

    private static String pathSegment(String value) {
        // URLEncoder encodes for forms; in a path a space must be %20, not '+'.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
