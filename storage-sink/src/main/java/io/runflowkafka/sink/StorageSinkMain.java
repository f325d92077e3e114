package io.runflowkafka.sink;

import io.runflowkafka.common.service.ServiceLauncher;

/**
 * Runs the storage sink as a process: {@code java -cp … io.runflowkafka.sink.StorageSinkMain [sink.properties]},
 * environment variables overriding the file ({@code sink.download.concurrency} ← {@code SINK_DOWNLOAD_CONCURRENCY}).
 * {@link ServiceLauncher} runs it until SIGTERM stops it gracefully (exit 0) or the consumer loop stops on its own
 * (exit 70, for the supervisor to start it again); exit 2 on an invalid configuration, with a message naming the key.
 */
public final class StorageSinkMain {

    static {
        // The jar ships no logback.xml (it would clash with an embedding application's), so the service points
        // logback at its own file unless the operator chose one; this must run before the first logger exists.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/runflowkafka/sink/logback-service.xml");
        }
    }

    private StorageSinkMain() {}

    /** @param args an optional path to a properties file */
    public static void main(String[] args) {
        new ServiceLauncher<>("storage sink", SinkConfig::load, SinkConfig::describe, StorageSink::start).main(args);
    }
}
