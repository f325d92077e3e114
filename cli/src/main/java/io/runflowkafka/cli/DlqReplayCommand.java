package io.runflowkafka.cli;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.console.DeadLetterReplay;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runflow-kafka dlq replay}: sends dead-lettered records back to the topic they came from (named by
 * their {@code __streams.errors.topic} header, which the processor and the sink both write; see
 * {@link DeadLetterHeaders}) after the cause was fixed. Keys and values are copied byte for byte (the dead-letter
 * headers are not: a replayed record carries {@code runflow.replayed-from} instead);
 * the replay's progress is committed in the same transaction as the copies, so an interrupted replay
 * resumes without sending a record twice. The work is {@link DeadLetterReplay}'s, which the console shares.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Re-send dead-lettered uploads or completions to their source topic (--dry-run lists them).")
public final class DlqReplayCommand implements Callable<Integer> {

    static final String REPLAYED_FROM_HEADER = DeadLetterReplay.REPLAYED_FROM_HEADER;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            required = true,
            defaultValue = "${env:DLQ_TOPIC}",
            description = "The dead-letter topic to read, e.g. photos.uploaded.dlq (env DLQ_TOPIC).")
    String topic;

    @Option(
            names = "--to",
            defaultValue = "${env:DLQ_REPLAY_TO}",
            description = "Send every record to this topic instead of the one its header names (env DLQ_REPLAY_TO).")
    String to;

    @Option(names = "--dry-run", description = "List the records that would be replayed; send and commit nothing.")
    boolean dryRun;

    @Option(
            names = "--group",
            defaultValue = "${env:DLQ_REPLAY_GROUP:-" + DeadLetterReplay.DEFAULT_GROUP + "}",
            description =
                    "Consumer group that remembers what was replayed (env DLQ_REPLAY_GROUP; default ${DEFAULT-VALUE}).")
    String group;

    @Option(
            names = "--max",
            defaultValue = "${env:DLQ_REPLAY_MAX:-2147483647}",
            description = "Replay at most this many records (env DLQ_REPLAY_MAX).")
    int max;

    @Option(
            names = "--idle-timeout",
            defaultValue = "${env:DLQ_REPLAY_IDLE_TIMEOUT:-PT5S}",
            description =
                    "Stop when no record arrived for this long (ISO-8601, env DLQ_REPLAY_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description = "Any Kafka client property (security.protocol, sasl.*, ssl.*); repeatable.")
    Map<String, String> properties = new HashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DeadLetterReplay.run(
                new DeadLetterReplay.Request(
                        bootstrapServers, properties, topic, to, dryRun, group, max, idleTimeout, null),
                out::println);
        out.flush();
        return 0;
    }
}
