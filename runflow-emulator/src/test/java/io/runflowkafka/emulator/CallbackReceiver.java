package io.runflowkafka.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A webhook receiver on loopback for tests: refuses the first N posts with 500, then accepts with 200. */
final class CallbackReceiver implements AutoCloseable {

    /** One POST as received. */
    record Delivery(int answeredWith, String body, Map<String, List<String>> headers) {}

    private final HttpServer server;
    private final AtomicInteger refusalsLeft;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    CallbackReceiver(int refuseFirst) throws IOException {
        this.refusalsLeft = new AtomicInteger(refuseFirst);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            int status = refusalsLeft.getAndDecrement() > 0 ? 500 : 200;
            deliveries.add(new Delivery(status, body, Map.copyOf(exchange.getRequestHeaders())));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    List<Delivery> accepted() {
        return deliveries.stream().filter(d -> d.answeredWith() == 200).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
