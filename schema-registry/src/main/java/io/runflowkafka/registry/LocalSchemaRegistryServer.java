package io.runflowkafka.registry;

import com.sun.net.httpserver.HttpServer;
import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an in-memory registry scope ({@code mock://<scope>}) over the Confluent Schema Registry REST
 * API, so that other processes (a restarted service, {@code kcat -s avro}, Confluent's own clients) can
 * read the embedded mode's topics. Loopback only; for the embedded demo and tests, not production.
 * {@link #routes} lists every endpoint; the module README says what each answers.
 *
 * <p>Written on the JDK's HTTP server because no registry implementation is reachable from Maven Central.
 */
public final class LocalSchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistryServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private LocalSchemaRegistryServer(String scope, int port, Path journal) throws IOException {
        InMemorySchemaRegistry registry = MockSchemaRegistry.registryForScope(scope);
        Router router = routes(registry, new RegistryJournal(registry, journal));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "local-schema-registry");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", router::serve);
    }

    /** Every endpoint served, with Confluent's paths. */
    static Router routes(InMemorySchemaRegistry registry, RegistryJournal writes) {
        SubjectsResource subjects = new SubjectsResource(registry, writes);
        SchemasResource schemas = new SchemasResource(registry);
        ConfigResource config = new ConfigResource(registry, writes);
        CompatibilityResource compatibility = new CompatibilityResource(registry);
        return new Router()
                .route("GET", "", request -> Reply.ok(Map.of()))
                .route("GET", "/subjects", subjects::list)
                .route("POST", "/subjects/{subject}", subjects::lookUp)
                .route("DELETE", "/subjects/{subject}", subjects::deleteSubject)
                .route("GET", "/subjects/{subject}/versions", subjects::versions)
                .route("POST", "/subjects/{subject}/versions", subjects::register)
                .route("GET", "/subjects/{subject}/versions/{version}", subjects::version)
                .route("DELETE", "/subjects/{subject}/versions/{version}", subjects::deleteVersion)
                .route("GET", "/subjects/{subject}/versions/{version}/schema", subjects::schemaOnly)
                .route("GET", "/subjects/{subject}/versions/{version}/referencedby", subjects::referencedBy)
                .route("GET", "/schemas/types", schemas::types)
                .route("GET", "/schemas/ids/{id}", schemas::byId)
                .route("GET", "/schemas/ids/{id}/schema", schemas::schemaOnly)
                .route("GET", "/schemas/ids/{id}/versions", schemas::versions)
                .route("GET", "/schemas/ids/{id}/subjects", schemas::subjects)
                .route("GET", "/config", config::global)
                .route("PUT", "/config", config::setGlobal)
                .route("DELETE", "/config", config::deleteGlobal)
                .route("GET", "/config/{subject}", config::subject)
                .route("PUT", "/config/{subject}", config::setSubject)
                .route("DELETE", "/config/{subject}", config::deleteSubject)
                .route("GET", "/mode", config::mode)
                .route("PUT", "/mode", config::setMode)
                .route("GET", "/mode/{subject}", config::subjectMode)
                .route("PUT", "/mode/{subject}", config::setMode)
                .route("POST", "/compatibility/subjects/{subject}/versions", compatibility::againstSubject)
                .route("POST", "/compatibility/subjects/{subject}/versions/{version}", compatibility::againstVersion);
    }

    /** Starts serving {@code mock://scope} on 127.0.0.1:{@code port} (0 picks a free port). */
    public static LocalSchemaRegistryServer start(String scope, int port) {
        return start(scope, port, null);
    }

    /**
     * Starts serving like {@link #start(String, int)}, keeping every write (registrations, deletes, compatibility
     * levels) in {@code journal} (one JSON line each) and replaying it first, so the same schemas get the same ids
     * after a restart and topics written in an earlier run stay readable.
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
}
