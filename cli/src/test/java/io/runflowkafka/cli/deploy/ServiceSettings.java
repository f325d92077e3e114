package io.runflowkafka.cli.deploy;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.emulator.RunflowEmulatorCommand;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.sink.SinkConfig;
import io.runflowkafka.sink.SinkSettings;
import io.runflowkafka.sink.archive.ArchiveStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;

/**
 * Loads a service's configuration from a deploy file's environment the way the service does at start, so
 * a value that does not parse (a bad duration, an unknown archive, a short callback secret) fails here.
 * Nothing is connected to: no Kafka, no S3, no Runflow.
 */
final class ServiceSettings {

    private ServiceSettings() {}

    /** Empty when the service would accept these settings; otherwise the service's own error message. */
    static Optional<String> problem(RunflowService service, Map<String, String> environment) {
        try {
            switch (service) {
                case PROCESSOR -> processor(environment);
                case BRIDGE -> BridgeConfig.load(Optional.empty(), environment).settings();
                case SINK -> sink(environment);
                case EMULATOR -> emulator(environment);
            }
            return Optional.empty();
        } catch (ConfigException | IllegalArgumentException | CommandLine.ParameterException e) {
            return Optional.of(service.command() + ": " + e.getMessage());
        }
    }

    private static void processor(Map<String, String> environment) {
        ProcessorConfig config = ProcessorConfig.load(Optional.empty(), environment);
        config.gateTopics();
        config.gateSettings();
        config.statusTopics();
        config.applicationServer();
        config.shutdownTimeout();
        if (config.ordersEnabled()) {
            config.orderSettings();
            config.callbackTokens();
        }
    }

    private static void sink(Map<String, String> environment) {
        SinkSettings settings = SinkConfig.load(Optional.empty(), environment).settings();
        settings.urls().policy();
        if (settings.archive() instanceof SinkSettings.S3 s3) {
            // Builds the S3 client (bucket, endpoint, region) without calling S3. The filesystem store is not
            // built: it would create its folder on this machine.
            try (ArchiveStore store = s3.open()) {
                store.uri();
            } catch (Exception e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    private static void emulator(Map<String, String> environment) {
        Map<String, String> options = ServiceVariables.emulatorOptions();
        List<String> args = new ArrayList<>();
        environment.forEach((variable, value) -> {
            String option = options.get(variable);
            if (option != null) {
                args.add(option + "=" + value);
            }
        });
        new CommandLine(new RunflowEmulatorCommand()).parseArgs(args.toArray(String[]::new));
    }
}
