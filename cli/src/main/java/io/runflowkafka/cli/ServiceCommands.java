package io.runflowkafka.cli;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.bridge.WebhookBridgeMain;
import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.processor.ProcessorMain;
import io.runflowkafka.sink.SinkConfig;
import io.runflowkafka.sink.StorageSinkMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The three services as subcommands; each takes an optional properties file, environment variables on top. */
final class ServiceCommands {

    private ServiceCommands() {}

    /** A service runs until SIGTERM; its keys (and their variables) are listed by {@code --help}. */
    abstract static class Service implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(
                names = {"-c", "--config"},
                defaultValue = "${env:RUNFLOW_KAFKA_CONFIG}",
                description =
                        "Properties file with the keys below (env RUNFLOW_KAFKA_CONFIG); environment variables override it.")
        Path config;

        @Option(names = "--print-config", description = "Print the effective configuration (secrets masked) and exit.")
        boolean printConfig;

        abstract ConfigDef definition();

        abstract void run(String[] args) throws Exception;

        @Override
        public Integer call() throws Exception {
            if (printConfig) {
                spec.commandLine()
                        .getOut()
                        .print(ServiceConfig.load(definition(), java.util.Optional.ofNullable(config))
                                .describe());
                spec.commandLine().getOut().flush();
                return 0;
            }
            run(config == null ? new String[0] : new String[] {config.toString()});
            return 0;
        }

        /** The footer of {@code --help}: every key with its environment variable and default. */
        static String keys(ConfigDef definition) {
            List<String> lines = new ArrayList<>();
            lines.add("");
            lines.add("Configuration keys (file key / environment variable, default):");
            definition.configKeys().values().stream()
                    .sorted(java.util.Comparator.comparing(k -> k.name))
                    .forEach(key -> {
                        Object value = key.defaultValue instanceof Password ? "[hidden]" : key.defaultValue;
                        lines.add(String.format(
                                "  %s / %s (default: %s)",
                                key.name,
                                ServiceConfig.environmentName(key.name),
                                value == ConfigDef.NO_DEFAULT_VALUE ? "-" : value));
                        lines.add("      " + key.documentation);
                    });
            lines.add("Kafka client properties pass through as kafka.<property> / KAFKA_<PROPERTY>.");
            return String.join("%n", lines);
        }
    }

    @Command(
            name = "processor",
            mixinStandardHelpOptions = true,
            description = "Run the Kafka Streams processor (quality gate and headshot orders).")
    static final class Processor extends Service {
        @Override
        ConfigDef definition() {
            return ProcessorKeys.DEFINITION;
        }

        @Override
        void run(String[] args) throws Exception {
            ProcessorMain.main(args);
        }
    }

    @Command(
            name = "bridge",
            mixinStandardHelpOptions = true,
            description = "Run the webhook bridge (Runflow callbacks to Kafka).")
    static final class Bridge extends Service {
        @Override
        ConfigDef definition() {
            return BridgeConfig.definition();
        }

        @Override
        void run(String[] args) throws Exception {
            WebhookBridgeMain.main(args);
        }
    }

    @Command(
            name = "sink",
            mixinStandardHelpOptions = true,
            description = "Run the storage sink (archive completed headshots before their URLs expire).")
    static final class Sink extends Service {
        @Override
        ConfigDef definition() {
            return SinkConfig.definition();
        }

        @Override
        void run(String[] args) throws Exception {
            StorageSinkMain.main(args);
        }
    }
}
