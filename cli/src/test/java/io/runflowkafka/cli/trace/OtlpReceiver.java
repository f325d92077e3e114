package io.runflowkafka.cli.trace;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP endpoint on loopback that keeps every {@code /v1/traces} request body and answers 200, so that a test
 * can check what the services really exported. Bodies are protobuf: a trace id is there as its 16 raw bytes and the
 * {@code service.name} as its UTF-8 text, which is all the checks look for (no protobuf parsing needed for that).
 */
final class OtlpReceiver implements AutoCloseable {

    /** One export request: its content type and body. */
    record Export(String contentType, byte[] body) {

        boolean mentions(String text) {
            return indexOf(body, text.getBytes(StandardCharsets.UTF_8)) >= 0;
        }

        boolean carriesTrace(String traceIdHex) {
            return indexOf(body, HexFormat.of().parseHex(traceIdHex)) >= 0;
        }
    }

    private final HttpServer server;
    private final List<Export> exports = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                receiver.exports.add(
                        new Export(exchange.getRequestHeaders().getFirst("Content-Type"), in.readAllBytes()));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** The base URL to configure as {@code otel.exporter.otlp.endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Export> exports() {
        return List.copyOf(exports);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
