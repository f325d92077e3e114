package io.runflowkafka.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each service's readiness, from its {@code GET /health/ready}: only the URLs the console was given are asked, with
 * short time-outs, and no redirect is followed.
 */
final class Readiness {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_DETAIL = 300;

    /** One service's answer: ready or not, and the components' reasons when it said. */
    record View(String service, String url, boolean ready, String status, Map<String, String> components) {}

    private final Map<String, URI> services;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, View> latest = new ConcurrentHashMap<>();

    Readiness(Map<String, URI> services) {
        this.services = new TreeMap<>(services);
    }

    void refresh() {
        services.forEach((name, base) -> latest.put(name, ask(name, base)));
    }

    List<View> views() {
        return services.keySet().stream()
                .map(name -> latest.getOrDefault(
                        name, new View(name, services.get(name).toString(), false, "not asked yet", Map.of())))
                .toList();
    }

    private View ask(String name, URI base) {
        String url = base.toString().replaceAll("/+$", "") + "/health/ready";
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, String> components = new LinkedHashMap<>();
            try {
                JsonNode body = json.readTree(response.body());
                body.path("components")
                        .fields()
                        .forEachRemaining(c -> components.put(
                                c.getKey(),
                                cut(c.getValue().path("status").asText() + " "
                                        + c.getValue().path("detail").asText())));
            } catch (Exception e) {
                // not the project's health JSON: the status code still says ready or not
            }
            boolean ready = response.statusCode() == 200;
            return new View(
                    name,
                    base.toString(),
                    ready,
                    ready ? "UP" : "DOWN (HTTP " + response.statusCode() + ")",
                    components);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new View(name, base.toString(), false, "interrupted", Map.of());
        } catch (Exception e) {
            return new View(
                    name, base.toString(), false, "unreachable: " + cut(String.valueOf(e.getMessage())), Map.of());
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_DETAIL ? text.strip() : text.substring(0, MAX_DETAIL) + "…";
    }
}
