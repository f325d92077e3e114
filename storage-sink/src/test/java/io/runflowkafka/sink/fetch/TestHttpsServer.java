package io.runflowkafka.sink.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.runflowkafka.common.tls.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTPS server for fetcher tests, using the test-only certificate in {@code tls/server.p12}
 * (localhost, images.test, 127.0.0.1); it counts the requests each path received.
 */
final class TestHttpsServer implements AutoCloseable {

    static final char[] PASSWORD = "test-only".toCharArray();

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    TestHttpsServer() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = TestHttpsServer.class.getResourceAsStream("/tls/server.p12")) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(executor);
        server.start();
    }

    /** The truststore holding the test certificate. */
    static TlsTrust trust() throws Exception {
        return new TlsTrust(
                Path.of(TestHttpsServer.class.getResource("/tls/trust.p12").toURI()), PASSWORD);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Serves {@code path} with {@code handler}, counting requests. */
    TestHttpsServer route(String path, HttpHandler handler) {
        hits.put(path, new AtomicInteger());
        server.createContext(path, exchange -> {
            hits.get(path).incrementAndGet();
            try (exchange) {
                handler.handle(exchange);
            }
        });
        return this;
    }

    /** Serves {@code body} with {@code contentType} (none when null) and a Content-Length, or chunked. */
    TestHttpsServer serve(String path, int status, String contentType, byte[] body, boolean chunked) {
        return route(path, exchange -> respond(exchange, status, contentType, body, chunked));
    }

    /** Answers {@code path} with a redirect to {@code location}. */
    TestHttpsServer redirect(String path, String location) {
        return route(path, exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        });
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    static void respond(HttpExchange exchange, int status, String contentType, byte[] body, boolean chunked)
            throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
