package io.runflowkafka.processor.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of a real schema registry that answers 503 to every request about the subjects
 * it is told to block, and passes everything else through: a registry outage that hits only some subjects.
 */
final class BlockingRegistryProxy implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String target;
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Set<String> blocked = Set.of();
    private volatile int answerAll;

    private BlockingRegistryProxy(String target) throws IOException {
        this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    static BlockingRegistryProxy in(String registryUrl) throws IOException {
        return new BlockingRegistryProxy(registryUrl);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void block(String... subjects) {
        blocked = Set.of(subjects);
    }

    void unblock() {
        blocked = Set.of();
        answerAll = 0;
    }

    /** Answers every request with this status (401: the registry refuses the credentials). */
    void answerAll(int status) {
        answerAll = status;
    }

    /** Requests answered 503 so far. */
    int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (answerAll != 0) {
                refused.incrementAndGet();
                reply(exchange, answerAll, "{\"error_code\":" + answerAll + "01,\"message\":\"refused by the test\"}");
                return;
            }
            if (blocked.stream().anyMatch(path::contains)) {
                refused.incrementAndGet();
                reply(exchange, 503, "{\"error_code\":50301,\"message\":\"blocked by the test\"}");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            reply(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
