package io.runflowkafka.cli;

import io.runflowkafka.emulator.RunflowEmulatorCommand;
import io.runflowkafka.registry.SchemasCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runflow-kafka} command. */
@Command(
        name = "runflow-kafka",
        mixinStandardHelpOptions = true,
        version = "runflow-kafka 0.1.0",
        description = "A Kafka-native pipeline around the Runflow photo API.",
        subcommands = {
            DemoCommand.class,
            ServiceCommands.Processor.class,
            ServiceCommands.Bridge.class,
            ServiceCommands.Sink.class,
            ConsoleCommand.class,
            Main.Dlq.class
        })
public final class Main implements Runnable {

    /** The system property that names the demo's log file, read by {@code logback-demo.xml}. */
    static final String DEMO_LOG_PROPERTY = "runflow.demo.log";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo")) {
            // Before any logger exists: the demo's terminal shows progress, its log goes to a file.
            System.setProperty("logback.configurationFile", "logback-demo.xml");
            System.setProperty(
                    DEMO_LOG_PROPERTY, demoData(args).resolve("demo.log").toString());
        }
        System.exit(commandLine().execute(args));
    }

    private static java.nio.file.Path demoData(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--data")) {
                return java.nio.file.Path.of(args[i + 1]);
            }
        }
        String fromEnv = System.getenv("RUNFLOW_DEMO_DATA");
        return java.nio.file.Path.of(fromEnv == null ? "./data" : fromEnv);
    }

    /** The command tree, with each service's configuration keys in its help. */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Main());
        line.addSubcommand("emulator", new RunflowEmulatorCommand());
        line.addSubcommand("schemas", new SchemasCommand(ProjectSchemas.byTopic()));
        footer(line, "processor", ServiceCommands.Service.keys(new ServiceCommands.Processor().definition()));
        footer(line, "bridge", ServiceCommands.Service.keys(new ServiceCommands.Bridge().definition()));
        footer(line, "sink", ServiceCommands.Service.keys(new ServiceCommands.Sink().definition()));
        return line;
    }

    private static void footer(CommandLine line, String subcommand, String footer) {
        line.getSubcommands().get(subcommand).getCommandSpec().usageMessage().footer(footer);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code runflow-kafka dlq ...}. */
    @Command(
            name = "dlq",
            mixinStandardHelpOptions = true,
            description = "Work with dead-letter topics.",
            subcommands = DlqReplayCommand.class)
    static final class Dlq implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }
}
