package io.runflowkafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback "load balancer" in front of the webhook bridges: Runflow's callbacks go to the bridges round-robin
 * (the next one on a refused connection), and a share of them is sent a second time after the first 200, to the
 * other bridge, as Runflow's retries would. It records every headshots id a bridge answered 200 for, so the
 * checker can tell whether an acknowledged callback is missing from Kafka.
 */
final class CallbackProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackProxy.class);
    private static final Set<String> FORWARDED_HEADERS =
            Set.of("content-type", "webhook-id", "webhook-timestamp", "webhook-signature", "user-agent");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "chaos-callback-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private final IntFunction<String> bridgeUrl;
    private final int bridges;
    private final double duplicateRate;
    private final SplittableRandom random;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicatesSent = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    /**
     * @param bridgeUrl the base URL of bridge {@code i} (asked at each request: a restarted bridge may move)
     * @param duplicateRate share of acknowledged callbacks sent a second time
     */
    CallbackProxy(int bridges, IntFunction<String> bridgeUrl, double duplicateRate, long seed) throws IOException {
        this.bridges = bridges;
        this.bridgeUrl = bridgeUrl;
        this.duplicateRate = duplicateRate;
        this.random = new SplittableRandom(seed);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Headshots ids of the callbacks some bridge answered 200. */
    Set<String> acknowledged() {
        return Set.copyOf(acked);
    }

    int duplicatesSent() {
        return duplicatesSent.get();
    }

    int forwarded() {
        return forwarded.get();
    }

    int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(2 * 1024 * 1024);
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery());
            int first = Math.floorMod(next.getAndIncrement(), bridges);
            Answer answer = null;
            int servedBy = -1;
            for (int i = 0; i < bridges && answer == null; i++) {
                int target = (first + i) % bridges;
                answer = forward(target, exchange, pathAndQuery, body);
                servedBy = target;
            }
            if (answer == null) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            forwarded.incrementAndGet();
            if (answer.status() == 200) {
                String id = headshotsId(body);
                if (id != null) {
                    acked.add(id);
                }
                boolean again;
                synchronized (random) {
                    again = random.nextDouble() < duplicateRate;
                }
                if (again) {
                    // Runflow re-sends when its first attempt's answer was lost: same body, same headers.
                    Answer second = forward((servedBy + 1) % bridges, exchange, pathAndQuery, body);
                    duplicatesSent.incrementAndGet();
                    LOG.info(
                            "callback for {} sent twice (second answer {})",
                            id,
                            second == null ? "none" : second.status());
                }
            }
            byte[] reply = answer.body();
            exchange.sendResponseHeaders(answer.status(), reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                exchange.getResponseBody().write(reply);
            }
        }
    }

    private Answer forward(int target, HttpExchange exchange, String pathAndQuery, byte[] body) {
        String base = bridgeUrl.apply(target);
        if (base == null) {
            return null;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(15))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            if (FORWARDED_HEADERS.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return null; // refused, reset or timed out: try the next bridge
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String headshotsId(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            JsonNode id = node.path("headshots_id");
            if (id.isMissingNode()) {
                id = node.path("data").path("headshots_id");
            }
            return id.isTextual() ? id.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Answer(int status, byte[] body) {}
}
