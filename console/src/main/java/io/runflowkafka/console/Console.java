package io.runflowkafka.console;

import io.javalin.Javalin;
import io.runflowkafka.common.concurrent.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline console: a read-only observer beside the pipeline, not part of any service. It reads the topics with
 * its own consumer (no group), asks the Admin client for consumer-group lag and each service for readiness, and serves
 * the page on {@code host:port}. Its only write is a dead-letter replay, after a dry run and a confirmation.
 */
public final class Console implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    static final long PROBE_INTERVAL_MS = 2_000;

    private final Javalin server;
    private final PipelineReader reader;
    private final GroupLag lag;
    private final Thumbnails thumbnails;
    private final ScheduledExecutorService probes;
    private final ConsoleSettings settings;

    private Console(
            ConsoleSettings settings,
            Javalin server,
            PipelineReader reader,
            GroupLag lag,
            Thumbnails thumbnails,
            ScheduledExecutorService probes) {
        this.settings = settings;
        this.server = server;
        this.reader = reader;
        this.lag = lag;
        this.thumbnails = thumbnails;
        this.probes = probes;
    }

    /** Starts reading and serving; returns once the page is served. */
    public static Console start(ConsoleSettings settings) {
        System.setProperty("java.awt.headless", "true"); // thumbnails are drawn with AWT; never open a display
        ConsoleSettings.PipelineTopics topics = settings.topics();
        TopicStats stats = new TopicStats(topics.all());
        OrderBook orders = new OrderBook();
        DeadLetterLog deadLetters = new DeadLetterLog(topics.deadLetters());
        PipelineReader reader = new PipelineReader(settings, stats, orders, deadLetters);
        GroupLag lag = new GroupLag(settings);
        Readiness readiness = new Readiness(settings.services());
        Thumbnails thumbnails = new Thumbnails(settings.archive(), settings.photoDir());
        ScheduledExecutorService probes =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("console-probes"));
        Javalin server = ConsoleRoutes.create(
                new AccessGuard(settings.token()),
                new ConsoleRoutes.Parts(
                        stats, orders, deadLetters, lag, readiness, thumbnails, new ReplayDesk(settings)));
        Console console = new Console(settings, server, reader, lag, thumbnails, probes);
        try {
            reader.start();
            probes.scheduleWithFixedDelay(
                    () -> {
                        readiness.refresh();
                        lag.refresh();
                    },
                    0,
                    PROBE_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            server.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            console.close();
            throw e;
        }
        LOG.info(
                "console on {} (token {}), reading {} at {}",
                console.baseUrl(),
                settings.token().isPresent() ? "required" : "not required: loopback only",
                topics.all(),
                settings.bootstrapServers());
        return console;
    }

    /** The port the console listens on. */
    public int port() {
        return server.port();
    }

    /** The console's address, without the token. */
    public String baseUrl() {
        String host = settings.host().contains(":") && !settings.host().startsWith("[")
                ? "[" + settings.host() + "]"
                : settings.host();
        return "http://" + host + ":" + port() + "/";
    }

    @Override
    public void close() {
        probes.shutdownNow();
        server.stop();
        reader.close();
        lag.close();
        thumbnails.close();
    }
}
