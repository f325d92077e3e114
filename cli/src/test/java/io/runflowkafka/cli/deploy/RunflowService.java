package io.runflowkafka.cli.deploy;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.sink.SinkConfig;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;

/** The services a deploy file runs with the runflow-kafka image, by the subcommand that starts them. */
enum RunflowService {
    PROCESSOR("processor", true),
    BRIDGE("bridge", false),
    SINK("sink", true),
    EMULATOR("emulator", false);

    private final String command;
    private final boolean readsS3;

    RunflowService(String command, boolean readsS3) {
        this.command = command;
        this.readsS3 = readsS3;
    }

    /** The {@code runflow-kafka} subcommand. */
    String command() {
        return command;
    }

    /** Whether the service talks to S3 (and so reads the AWS SDK's standard variables). */
    boolean readsS3() {
        return readsS3;
    }

    /** The service's documented keys; empty for the emulator, which takes picocli options instead. */
    Optional<ConfigDef> definition() {
        return switch (this) {
            case PROCESSOR -> Optional.of(ProcessorKeys.DEFINITION);
            case BRIDGE -> Optional.of(BridgeConfig.definition());
            case SINK -> Optional.of(SinkConfig.definition());
            case EMULATOR -> Optional.empty();
        };
    }

    /** The default of {@code http.port}: where health, metrics (and the bridge's webhooks) are served. */
    int defaultHttpPort() {
        return definition()
                .map(def -> (Integer) def.configKeys().get(CommonKeys.HTTP_PORT).defaultValue)
                .orElse(8089);
    }

    static Optional<RunflowService> byCommand(String command) {
        return Arrays.stream(values()).filter(s -> s.command.equals(command)).findFirst();
    }
}
