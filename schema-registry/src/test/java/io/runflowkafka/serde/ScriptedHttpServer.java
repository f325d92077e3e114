package io.runflowkafka.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A loopback HTTP server for tests: answers with scripted responses (or a handler function) and records every request,
 * so a test can run the client and then check paths, headers and bodies.
 */
final class ScriptedHttpServer implements AutoCloseable {

    /** A recorded request; header names are lower-case. */
    record Request(String method, String path, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A scripted response; when {@code hold} is set the server waits for it (bounded) before answering. */
    record Response(int status, String body, CountDownLatch hold) {
        static Response json(int status, String body) {
            return new Response(status, body, null);
        }

        static Response heldUntil(CountDownLatch hold) {
            return new Response(200, "{\"id\": 1}", hold);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Queue<Response> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> holds = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> handler;

    ScriptedHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL, e.g. http://127.0.0.1:41234. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues responses, answered in order. */
    ScriptedHttpServer respond(Response... responses) {
        for (Response response : responses) {
            script.add(response);
            if (response.hold() != null) {
                holds.add(response.hold());
            }
        }
        return this;
    }

    /** Answers every request without a queued response with this function. */
    ScriptedHttpServer handleWith(Function<Request, Response> function) {
        this.handler = function;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, body);
            requests.add(request);
            Response response = script.poll();
            if (response == null) {
                Function<Request, Response> function = handler;
                response = function != null
                        ? function.apply(request)
                        : Response.json(500, "{\"error_code\":50001," + "\"message\":\"no scripted response\"}");
            }
            if (response.hold() != null) {
                response.hold().await(10, TimeUnit.SECONDS);
            }
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up (a time-out test): nothing to answer.
        }
    }

    @Override
    public void close() {
        holds.forEach(CountDownLatch::countDown);
        server.stop(0);
        executor.shutdownNow();
    }
}
