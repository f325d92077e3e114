package io.runflowkafka.cli;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.bridge.WebhookBridge;
import io.runflowkafka.console.Console;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.sink.SinkConfig;
import io.runflowkafka.sink.StorageSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runflow-kafka demo}: the whole pipeline in one process — a real Kafka broker (KRaft), the local
 * schema registry, the Runflow emulator, the processor, the webhook bridge and the storage sink — fed with
 * sample portraits for a few orders, with live progress and a summary. Exits 0 once every order's
 * headshots are archived, 1 with what is stuck otherwise.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Run the whole pipeline in one process on sample photos and show what happens.")
public final class DemoCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    private static final String PASSWORD = "changeit";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--data",
            defaultValue = "${env:RUNFLOW_DEMO_DATA:-./data}",
            description =
                    "Where the broker, the registry, state and the archive live (env RUNFLOW_DEMO_DATA; default ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--fresh",
            description = "Delete what the data folder holds first, but the log this run is already writing to.")
    boolean fresh;

    @Option(
            names = "--orders",
            defaultValue = "${env:RUNFLOW_DEMO_ORDERS:-4}",
            description = "Sample orders to feed (env RUNFLOW_DEMO_ORDERS; default ${DEFAULT-VALUE}).")
    int orders;

    @Option(
            names = "--images",
            defaultValue = "${env:RUNFLOW_DEMO_IMAGES}",
            description =
                    "Also your own photos (JPEG, PNG, WebP) from this folder, as one more order: scored, and those accepted sent"
                            + " to Generate Headshots as files (env RUNFLOW_DEMO_IMAGES).")
    Path images;

    @Option(names = "--keep-running", description = "Leave everything up after the summary (Ctrl-C stops it).")
    boolean keepRunning;

    @Option(
            names = "--timeout",
            defaultValue = "${env:RUNFLOW_DEMO_TIMEOUT:-PT150S}",
            description =
                    "Give up when not every order is archived by then (ISO-8601, env RUNFLOW_DEMO_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--kafka-port",
            defaultValue = "${env:RUNFLOW_DEMO_KAFKA_PORT:-0}",
            description = "Broker port (0: a free one).")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            defaultValue = "${env:RUNFLOW_DEMO_REGISTRY_PORT:-0}",
            description = "Schema registry port (0: a free one).")
    int registryPort;

    @Option(
            names = "--emulator-port",
            defaultValue = "${env:RUNFLOW_DEMO_EMULATOR_PORT:-0}",
            description = "Emulator port (0: a free one).")
    int emulatorPort;

    @Option(
            names = "--console-port",
            defaultValue = "${env:RUNFLOW_DEMO_CONSOLE_PORT:-0}",
            description = "Console port, on 127.0.0.1 (0: a free one).")
    int consolePort;

    @Option(
            names = "--bridge-port",
            defaultValue = "${env:RUNFLOW_DEMO_BRIDGE_PORT:-0}",
            description = "Webhook bridge port (0: a free one).")
    int bridgePort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        if (fresh) {
            clearData(data, liveLog());
        }
        Files.createDirectories(data);
        String run = "demo-" + Long.toString(System.currentTimeMillis(), 36);
        LOG.info("{} started, data in {}", run, data.toAbsolutePath().normalize());
        out.printf(
                "runflow-kafka demo %s: data in %s%n",
                run, data.toAbsolutePath().normalize());
        out.flush();
        List<AutoCloseable> running = new ArrayList<>();
        try {
            EmbeddedKafka kafka = start(running, EmbeddedKafka.start(data.resolve("kafka"), kafkaPort));
            LocalSchemaRegistryServer registry = start(
                    running,
                    LocalSchemaRegistryServer.start(
                            "runflow-kafka-demo",
                            registryPort,
                            data.resolve("registry").resolve("schemas.jsonl")));
            String callbackSecret = randomSecret();
            String signingSecret = "whsec_" + randomSecret();
            RunflowEmulator emulator = start(
                    running,
                    RunflowEmulator.builder()
                            .port(emulatorPort)
                            .httpsPort(0)
                            .headshotsDelay(Duration.ofSeconds(2))
                            .webhookSecret(signingSecret)
                            .build()
                            .start());
            Path trustStore = writeTrustStore(RunflowEmulator.devTrustStore(), data.resolve("emulator-truststore.p12"));

            Map<String, String> common = new HashMap<>();
            common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            common.put("SCHEMA_REGISTRY_URL", registry.url());
            common.put("HTTP_HOST", "127.0.0.1");
            common.put("TOPICS_PARTITIONS", "4");

            Map<String, String> bridgeEnv = new HashMap<>(common);
            bridgeEnv.put("HTTP_PORT", Integer.toString(bridgePort));
            bridgeEnv.put("BRIDGE_CALLBACK_SECRETS", callbackSecret);
            bridgeEnv.put("BRIDGE_SIGNING_SECRET", signingSecret);
            bridgeEnv.put("BRIDGE_REQUEST_LOG", "false");
            WebhookBridge bridge = start(running, WebhookBridge.start(BridgeConfig.load(Optional.empty(), bridgeEnv)));

            Map<String, String> processorEnv = new HashMap<>(common);
            processorEnv.put("HTTP_PORT", "0");
            // A restarted demo rejoins its consumer group quickly (the broker's minimum session time-out).
            processorEnv.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
            processorEnv.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
            processorEnv.put(
                    "PROCESSOR_STATE_DIR", data.resolve("processor-state").toString());
            processorEnv.put("PROCESSOR_BRIDGE_PUBLIC_URL", "http://127.0.0.1:" + bridge.port());
            processorEnv.put("PROCESSOR_CALLBACK_SECRET", callbackSecret);
            processorEnv.put("PROCESSOR_ORDERS_IDLE_TIMEOUT_MS", "4000");
            processorEnv.put("PROCESSOR_FILE_URIS_ENABLED", Boolean.toString(images != null));
            processorEnv.put("RUNFLOW_BASE_URL", emulator.baseUrl());
            processorEnv.put("RUNFLOW_API_KEY", RunflowEmulator.DEFAULT_API_KEY);
            ProcessorApp processor =
                    start(running, ProcessorApp.start(ProcessorConfig.load(Optional.empty(), processorEnv)));

            Map<String, String> sinkEnv = new HashMap<>(common);
            sinkEnv.put("HTTP_PORT", "0");
            sinkEnv.put("SINK_ARCHIVE_DIR", data.resolve("archive").toString());
            // The emulator's image host on its own port: an allowlist entry without a port allows 443 only.
            sinkEnv.put(
                    "SINK_URL_ALLOWED_HOSTS",
                    URI.create(emulator.publicBaseUrl()).getAuthority());
            sinkEnv.put("SINK_URL_ALLOW_PRIVATE_ADDRESSES", "true");
            sinkEnv.put("SINK_TLS_TRUSTSTORE", trustStore.toString());
            sinkEnv.put("SINK_TLS_TRUSTSTORE_PASSWORD", PASSWORD);
            StorageSink sink = start(running, StorageSink.start(SinkConfig.load(Optional.empty(), sinkEnv)));

            out.printf(
                    "  kafka %s · registry %s · emulator %s · bridge :%d · processor :%d%n",
                    kafka.bootstrapServers(), registry.url(), emulator.baseUrl(), bridge.port(), processor.httpPort());
            Console console = start(
                    running,
                    DemoConsole.start(
                            kafka.bootstrapServers(),
                            registry.url(),
                            consolePort,
                            data.resolve("archive"),
                            images,
                            Map.of(
                                    "processor", processor.httpPort(),
                                    "bridge", bridge.port(),
                                    "sink", sink.opsPort())));
            out.printf("  console %s%n", console.baseUrl());
            out.flush();

            DemoFeed feed = DemoFeed.samples(run, orders, emulator, images);
            Progress progress = start(running, new Progress(kafka.bootstrapServers(), registry.url(), feed));
            send(kafka.bootstrapServers(), registry.url(), feed.uploads());
            boolean done = progress.watch(out, timeout, System.console() != null);
            Summary summary = progress.summary();
            summary.print(out, data.resolve("archive"));
            out.printf(
                    "demo %s in %.1f s%n",
                    done ? "finished" : "stopped: not every order was archived", (System.nanoTime() - started) / 1e9);
            out.flush();
            if (keepRunning) {
                out.printf(
                        "still running (Ctrl-C to stop): kafka %s · schema registry %s · console %s%n",
                        kafka.bootstrapServers(), registry.url(), console.baseUrl());
                out.flush();
                awaitShutdown();
            }
            if (sink.isStopped()) {
                out.println("the storage sink stopped on an error: see the log above");
            }
            return done ? 0 : 1;
        } finally {
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    spec.commandLine().getErr().printf("while stopping: %s%n", e.getMessage());
                }
            }
        }
    }

    /** Until Ctrl-C (or, for a caller running the demo on a thread, an interrupt). */
    private static void awaitShutdown() {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            // The interrupt asked to stop, which returning does; the flag is not set again because the closes that
            // follow (Kafka clients, HTTP servers) need a thread that is not interrupted.
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private static <T extends AutoCloseable> T start(List<AutoCloseable> running, T service) {
        running.add(service);
        return service;
    }

    private static void send(String bootstrap, String registryUrl, List<UploadEvent> uploads) {
        Map<String, Object> config =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, UploadEvent> producer = new KafkaProducer<>(
                config,
                new StringSerializer(),
                AvroSerdes.specific(UploadEvent.class, Map.of("schema.registry.url", registryUrl), false)
                        .serializer())) {
            uploads.forEach(u -> producer.send(new ProducerRecord<>("photos.uploaded", u.getOrderId(), u)));
            producer.flush();
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Path writeTrustStore(KeyStore store, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the emulator's dev truststore to " + file, e);
        }
    }

    /** The file the demo's log is written to, when {@code Main} chose it before the first logger existed. */
    private static Optional<Path> liveLog() {
        return Optional.ofNullable(System.getProperty(Main.DEMO_LOG_PROPERTY)).map(Path::of);
    }

    /**
     * Deletes everything under {@code data} but {@code keep}: the logger opened the demo's log before this command
     * ran, so deleting it would send this run's lines to an unlinked file.
     */
    static void clearData(Path data, Optional<Path> keep) {
        if (!Files.exists(data)) {
            return;
        }
        Optional<Path> kept = keep.map(k -> k.toAbsolutePath().normalize());
        try (Stream<Path> paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder())
                    .filter(path -> !path.equals(data))
                    .filter(path -> kept.map(
                                    k -> !k.startsWith(path.toAbsolutePath().normalize()))
                            .orElse(true))
                    .forEach(DemoCommand::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + data, e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
