package io.runflowkafka.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

class JettyHttpClientsTest {

    @Test
    void shouldKeepToItsConnectionLimitAndReuseItsConnections() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger mostConcurrent = new AtomicInteger();
        CountDownLatch atTheLimit = new CountDownLatch(1);
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                // Calls are held until the client has as many on the wire as it may, so the limit is surely reached.
                atTheLimit.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        RunflowClientConfig config = RunflowClientConfig.builder()
                .apiKey("test-key")
                .baseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .maxConnectionsPerDestination(4)
                .build();
        HttpClient client = JettyHttpClients.start(config, "test");
        try {
            List<CompletableFuture<ContentResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(new CompletableResponseListener(
                                client.newRequest(config.baseUrl().resolve("/r" + i)))
                        .send());
            }
            Awaitility.await("4 calls on the wire at once")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> concurrent.get() == 4);
            atTheLimit.countDown();
            for (CompletableFuture<ContentResponse> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            }
        } finally {
            client.stop();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }

        assertThat(mostConcurrent.get()).as("calls on the wire at once").isEqualTo(4);
        assertThat(clientPorts).as("connections opened for 60 calls").hasSize(4);
    }
}
