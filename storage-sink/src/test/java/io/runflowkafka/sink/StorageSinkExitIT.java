package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.common.service.ServiceLauncher;
import io.runflowkafka.testkit.Unique;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit statuses of the real {@link StorageSinkMain} in a child JVM, which a supervisor acts on: 2 for a
 * configuration it cannot run with, 70 when the consumer loop stops on its own. No broker is needed: the loop
 * fails as it builds its consumer, before connecting.
 */
class StorageSinkExitIT {

    @TempDir
    Path dir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
        env.put("SCHEMA_REGISTRY_URL", "mock://" + Unique.name("sink-exit"));
        env.put("TOPICS_CREATE", "false");
        env.put("SINK_ARCHIVE_DIR", dir.resolve("archive").toString());
        env.put("SINK_TRANSACTIONAL_ID", "sink-exit-1");
        return env;
    }

    @Test
    void shouldExitWithTheInvalidConfigurationStatusNamingTheKey() throws Exception {
        Map<String, String> env = env();
        env.put("SINK_ARCHIVE", "ftp");
        Path log = dir.resolve("invalid.log");

        try (SinkProcess sink = SinkProcess.start(env, log)) {
            OptionalInt status = sink.awaitExit(Duration.ofSeconds(60));

            assertThat(status).as(Files.readString(log)).hasValue(ServiceLauncher.EXIT_INVALID_CONFIGURATION);
            assertThat(Files.readString(log)).contains("invalid configuration").contains("sink.archive");
        }
    }

    @Test
    void shouldExitForARestartWhenTheConsumerLoopStopsOnItsOwn() throws Exception {
        Map<String, String> env = env();
        // Valid for the sink's own keys, refused by the Kafka consumer when the loop builds it.
        env.put("KAFKA_AUTO_OFFSET_RESET", "sometimes");
        Path log = dir.resolve("stopped.log");

        try (SinkProcess sink = SinkProcess.start(env, log)) {
            OptionalInt status = sink.awaitExit(Duration.ofSeconds(60));

            assertThat(status).as(Files.readString(log)).hasValue(ServiceLauncher.EXIT_STOPPED_FOR_GOOD);
            assertThat(Files.readString(log)).contains("stopped for good").contains("consumer loop failed");
        }
    }

    @Test
    void shouldReportTheLoopStoppingOnItsOwnInProcess() throws Exception {
        Map<String, String> env = env();
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("KAFKA_AUTO_OFFSET_RESET", "sometimes");

        try (StorageSink failing = StorageSink.start(SinkConfig.load(Optional.empty(), env))) {
            String reason = failing.stoppedForGood().get(60, TimeUnit.SECONDS);

            assertThat(reason).startsWith("the consumer loop stopped").contains("ConfigException");
            assertThat(failing.health().live()).isFalse();
        }
    }
}
