package io.runflowkafka.registry;

import io.runflowkafka.registry.SchemaCheck.LocalSchema;
import io.runflowkafka.registry.SchemaCheck.Result;
import io.runflowkafka.serde.RestSchemaRegistryClient;
import io.runflowkafka.serde.SchemaRegistryConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code schemas check}: the command a deploy pipeline runs against its Schema Registry before shipping a schema
 * change. The cli mounts it with the project's topics and schemas as the defaults; {@code --schema} replaces them.
 */
@Command(
        name = "schemas",
        mixinStandardHelpOptions = true,
        description = "Work with the schemas in a Schema Registry.",
        subcommands = SchemasCommand.Check.class)
public final class SchemasCommand implements Runnable {

    /** Environment variable with {@code user:password} for the registry, kept off the command line. */
    public static final String USER_INFO_ENV = "SCHEMA_REGISTRY_USER_INFO";

    private final Map<String, Schema> defaults;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command with no default schemas: {@code --schema} is then required. */
    public SchemasCommand() {
        this(Map.of());
    }

    /** A command that checks {@code defaults} (topic to value schema) unless {@code --schema} is given. */
    public SchemasCommand(Map<String, Schema> defaults) {
        this.defaults = Map.copyOf(defaults);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code schemas check}. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Test every local schema for compatibility with what the registry holds, under each subject's"
                    + " compatibility level there. Prints one line per subject; exits 1 when a schema is incompatible,"
                    + " 2 when the registry cannot be asked.")
    static final class Check implements Callable<Integer> {

        @CommandLine.ParentCommand
        SchemasCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--registry",
                required = true,
                paramLabel = "URL",
                description = "Schema Registry URL(s), comma-separated; credentials as user:password@ in the URL or in"
                        + " the environment variable " + USER_INFO_ENV + ".")
        String registry;

        @Option(
                names = "--subject-strategy",
                defaultValue = "TopicNameStrategy",
                paramLabel = "STRATEGY",
                description =
                        "TopicNameStrategy (default: <topic>-value), RecordNameStrategy or TopicRecordNameStrategy"
                                + " (Confluent's class names are accepted too).")
        String strategy;

        @Option(
                names = "--schema",
                paramLabel = "TOPIC=FILE",
                description = "A topic's value schema as an .avsc file; repeatable. Replaces the built-in schemas.")
        List<String> schemas = new ArrayList<>();

        @Option(
                names = "--fail-on-new",
                description = "Exit 1 when a subject is not registered yet: against a registry the services already"
                        + " use, a new subject means a topic name that is not the deployment's (give --schema).")
        boolean failOnNew;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SubjectNameStrategy subjects = SubjectNameStrategy.parse(strategy)
                    .orElseThrow(() -> new CommandLine.ParameterException(
                            spec.commandLine(), "unknown subject strategy '" + strategy + "'"));
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(config());
            List<LocalSchema> local = localSchemas();
            if (local.isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "no local schemas: give --schema TOPIC=FILE");
            }
            List<Result> results = new SchemaCheck(client, subjects).check(local);
            results.forEach(result -> out.println(result.line()));
            out.flush();
            int exit = SchemaCheck.exitCode(results);
            boolean anyNew = results.stream().anyMatch(r -> r.outcome() == SchemaCheck.Outcome.NEW);
            if (exit == 0 && anyNew && failOnNew) {
                return 1;
            }
            if (exit == 0 && results.stream().allMatch(r -> r.outcome() == SchemaCheck.Outcome.NEW)) {
                spec.commandLine()
                        .getErr()
                        .println("note: no subject is registered yet; if the services run under other topic names,"
                                + " give them with --schema TOPIC=FILE (or --fail-on-new to make this an error)");
                spec.commandLine().getErr().flush();
            }
            return exit;
        }

        private SchemaRegistryConfig config() {
            Map<String, Object> config = new HashMap<>();
            config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registry);
            String userInfo = System.getenv(USER_INFO_ENV);
            if (userInfo != null && !userInfo.isBlank()) {
                config.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
                config.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo);
            }
            try {
                SchemaRegistryConfig parsed = new SchemaRegistryConfig(config);
                if (parsed.mockScope().isPresent()) {
                    throw new ConfigException("a mock:// registry lives inside one process; give an http(s) URL");
                }
                return parsed;
            } catch (ConfigException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--registry: " + e.getMessage());
            }
        }

        private List<LocalSchema> localSchemas() {
            List<LocalSchema> local = new ArrayList<>();
            if (schemas.isEmpty()) {
                parent.defaults.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(e -> local.add(new LocalSchema(e.getKey(), e.getValue())));
                return local;
            }
            for (String option : schemas) {
                int eq = option.indexOf('=');
                if (eq <= 0 || eq == option.length() - 1) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--schema takes TOPIC=FILE, not '" + option + "'");
                }
                local.add(new LocalSchema(option.substring(0, eq), parse(Path.of(option.substring(eq + 1)))));
            }
            return local;
        }

        private Schema parse(Path file) {
            try {
                return new Schema.Parser().parse(file.toFile());
            } catch (IOException | SchemaParseException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "cannot read the schema in " + file + ": " + e.getMessage());
            }
        }
    }
}
