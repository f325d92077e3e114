package io.runflowkafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.runflowkafka.serde.IncompatibleSchemaException;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.RegisteredSchema;
import io.runflowkafka.serde.SchemaNotFoundException;
import io.runflowkafka.serde.SchemaRegistryClient;
import io.runflowkafka.serde.SubjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an in-memory registry scope ({@code mock://<scope>}) over the Confluent Schema Registry REST
 * API, so that other processes (a restarted service, {@code kcat -s avro}, Confluent's own clients) can
 * read the embedded mode's topics. Loopback only; for the embedded demo and tests, not production.
 *
 * <p>Written on the JDK's HTTP server because no registry implementation is reachable from Maven Central.
 */
public final class LocalSchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistryServer.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern VERSIONS = Pattern.compile("^/subjects/([^/]+)/versions/?$");
    private static final Pattern LATEST = Pattern.compile("^/subjects/([^/]+)/versions/latest/?$");
    private static final Pattern SUBJECT = Pattern.compile("^/subjects/([^/]+)/?$");
    private static final Pattern BY_ID = Pattern.compile("^/schemas/ids/(\\d{1,9})/?$");
    private static final int MAX_BODY = 1 << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final SchemaRegistryClient registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Path journal;

    private LocalSchemaRegistryServer(String scope, int port, Path journal) throws IOException {
        this.registry = MockSchemaRegistry.getClientForScope(scope);
        this.journal = journal;
        if (journal != null) {
            replay(journal);
        }
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "local-schema-registry");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts serving {@code mock://scope} on 127.0.0.1:{@code port} (0 picks a free port). */
    public static LocalSchemaRegistryServer start(String scope, int port) {
        return start(scope, port, null);
    }

    /**
     * Starts serving like {@link #start(String, int)}, keeping every registration in {@code journal} (one JSON
     * line each) and replaying it first, so the same schemas get the same ids after a restart and topics
     * written in an earlier run stay readable.
     */
    public static LocalSchemaRegistryServer start(String scope, int port, Path journal) {
        try {
            LocalSchemaRegistryServer registry = new LocalSchemaRegistryServer(scope, port, journal);
            registry.server.start();
            LOG.info("in-memory schema registry '{}' served at {}", scope, registry.url());
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local schema registry on port " + port, e);
        }
    }

    /** The URL to give as {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            route(exchange);
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Matcher m;
            if ("POST".equals(method) && (m = VERSIONS.matcher(path)).matches()) {
                int id = register(subject(m), schemaFrom(exchange));
                send(exchange, 200, Map.of("id", id));
            } else if ("GET".equals(method) && (m = LATEST.matcher(path)).matches()) {
                send(exchange, 200, describe(registry.getLatestVersion(subject(m))));
            } else if ("POST".equals(method) && (m = SUBJECT.matcher(path)).matches()) {
                String subject = subject(m);
                Schema schema = schemaFrom(exchange);
                int id = registry.getId(subject, schema);
                RegisteredSchema latest = registry.getLatestVersion(subject);
                int version = latest.id() == id ? latest.version() : 1;
                send(exchange, 200, describe(new RegisteredSchema(subject, id, version, schema)));
            } else if ("GET".equals(method) && (m = BY_ID.matcher(path)).matches()) {
                Schema schema = registry.getSchemaById(Integer.parseInt(m.group(1)));
                send(exchange, 200, Map.of("schema", schema.toString()));
            } else {
                error(exchange, 404, 404, "no such endpoint: " + method + " " + path);
            }
        } catch (SubjectNotFoundException e) {
            error(exchange, 404, 40401, e.getMessage());
        } catch (SchemaNotFoundException e) {
            error(exchange, 404, 40403, e.getMessage());
        } catch (IncompatibleSchemaException e) {
            error(exchange, 409, 409, e.getMessage());
        } catch (BadRequest | SchemaParseException e) {
            error(exchange, 422, 42201, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("local schema registry failed on {}", exchange.getRequestURI(), e);
            error(exchange, 500, 50001, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private synchronized int register(String subject, Schema schema) throws IOException {
        boolean known;
        try {
            registry.getId(subject, schema);
            known = true;
        } catch (SchemaNotFoundException | SubjectNotFoundException e) {
            known = false;
        }
        int id = registry.register(subject, schema);
        if (!known && journal != null) {
            String line = json.writeValueAsString(Map.of("subject", subject, "schema", schema.toString())) + "\n";
            Files.writeString(
                    journal, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return id;
    }

    private void replay(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return;
        }
        int replayed = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry = json.readTree(line);
            registry.register(
                    entry.get("subject").asText(),
                    new Schema.Parser().parse(entry.get("schema").asText()));
            replayed++;
        }
        LOG.info("replayed {} schema registrations from {}", replayed, file);
    }

    private static String subject(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    private Schema schemaFrom(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new BadRequest("request body over " + MAX_BODY + " bytes");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            throw new BadRequest("request body is not JSON");
        }
        JsonNode schema = node == null ? null : node.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new BadRequest("request body needs a \"schema\" string");
        }
        JsonNode type = node.get("schemaType");
        if (type != null && !"AVRO".equals(type.asText())) {
            throw new BadRequest("only AVRO schemas are supported");
        }
        return new Schema.Parser().parse(schema.asText());
    }

    private static Map<String, Object> describe(RegisteredSchema registered) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", registered.subject());
        body.put("id", registered.id());
        body.put("version", registered.version());
        body.put("schema", registered.schema().toString());
        return body;
    }

    private void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        send(exchange, status, Map.of("error_code", code, "message", message == null ? "" : message));
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
