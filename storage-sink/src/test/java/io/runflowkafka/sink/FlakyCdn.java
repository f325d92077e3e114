package io.runflowkafka.sink;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.runflowkafka.emulator.RunflowEmulator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS front for the emulator's image URLs that can be told to answer 500 for a while, as a CDN in
 * trouble would. The emulator's own fault injection covers its API endpoints only, not the image URLs it hands
 * out, so this relay plays the failing CDN; while healthy it passes each GET through to the emulator unchanged.
 * It serves the test-only certificate in {@code tls/server.p12} (localhost, 127.0.0.1).
 */
final class FlakyCdn implements AutoCloseable {

    private static final char[] PASSWORD = "test-only".toCharArray();

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final HttpClient upstream;
    private final String upstreamBase;
    private final AtomicInteger failWith = new AtomicInteger();
    private final AtomicInteger failuresServed = new AtomicInteger();

    FlakyCdn(RunflowEmulator emulator) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = FlakyCdn.class.getResourceAsStream("/tls/server.p12")) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(RunflowEmulator.devTrustStore());
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);
        upstream =
                HttpClient.newBuilder().sslContext(clientTls).executor(executor).build();
        upstreamBase = emulator.publicBaseUrl();

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                int status = failWith.get();
                if (status != 0) {
                    failuresServed.incrementAndGet();
                    exchange.sendResponseHeaders(status, -1);
                    return;
                }
                HttpResponse<byte[]> response = upstream.send(
                        HttpRequest.newBuilder(URI.create(upstreamBase + exchange.getRequestURI()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                response.headers()
                        .firstValue("Content-Type")
                        .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
                byte[] body = response.body();
                exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    /** The truststore that trusts this front's certificate. */
    static Path trustStore() throws Exception {
        return Path.of(FlakyCdn.class.getResource("/tls/trust.p12").toURI());
    }

    /** The sink's allowlist entry for this front: {@code localhost:port}. */
    String allowlistEntry() {
        return "localhost:" + server.getAddress().getPort();
    }

    /** The same image URLs, served through this front at {@code https://localhost:port}. */
    List<String> through(List<String> emulatorUrls) {
        return emulatorUrls.stream()
                .map(url -> "https://localhost:" + server.getAddress().getPort()
                        + URI.create(url).getRawPath())
                .toList();
    }

    /** Answers every request with {@code status} until {@link #recover()}. */
    void failWith(int status) {
        failWith.set(status);
    }

    void recover() {
        failWith.set(0);
    }

    int failuresServed() {
        return failuresServed.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
