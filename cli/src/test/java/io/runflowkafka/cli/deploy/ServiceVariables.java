package io.runflowkafka.cli.deploy;

import io.runflowkafka.common.config.ServiceConfig;
import io.runflowkafka.emulator.RunflowEmulatorCommand;
import java.lang.reflect.Field;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * Which environment variables a service reads, taken from the services' own definitions: a documented
 * key's variable ({@link ServiceConfig#environmentName}), {@code <VARIABLE>_FILE} of a secret key, a Kafka
 * client property as {@code KAFKA_<PROPERTY>}, the AWS SDK's standard variables where the service uses S3,
 * the launcher's {@code JAVA_OPTS}; for the emulator, the variables its options read.
 */
final class ServiceVariables {

    /** The AWS SDK's standard variables (credentials chain, region, endpoints), not a prefix: typos show. */
    static final Set<String> AWS_STANDARD = Set.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_PROFILE",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_ROLE_ARN",
            "AWS_ROLE_SESSION_NAME",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_EC2_METADATA_DISABLED");

    /** Read by the launcher script (bin/runflow-kafka). */
    static final String JAVA_OPTS = "JAVA_OPTS";

    /** The services' {@code --config} option. */
    static final String CONFIG_FILE = "RUNFLOW_KAFKA_CONFIG";

    private static final Pattern PICOCLI_ENV = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)");

    private final RunflowService service;
    private final Map<String, String> keysByVariable = new LinkedHashMap<>();
    private final Set<String> secretFileVariables = new TreeSet<>();

    private ServiceVariables(RunflowService service) {
        this.service = service;
        service.definition()
                .ifPresentOrElse(this::addKeys, () -> emulatorOptions().forEach(keysByVariable::put));
    }

    static ServiceVariables of(RunflowService service) {
        return new ServiceVariables(service);
    }

    /**
     * The emulator's variables with the option each one sets, read from the {@code ${env:...}} defaults of
     * {@link RunflowEmulatorCommand}'s options.
     */
    static Map<String, String> emulatorOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        for (Field field : RunflowEmulatorCommand.class.getDeclaredFields()) {
            Option option = field.getAnnotation(Option.class);
            if (option == null) {
                continue;
            }
            Matcher matcher = PICOCLI_ENV.matcher(option.defaultValue());
            if (matcher.find()) {
                options.put(matcher.group(1), option.names()[0]);
            }
        }
        return options;
    }

    private void addKeys(ConfigDef definition) {
        definition.configKeys().values().forEach(key -> {
            String variable = ServiceConfig.environmentName(key.name);
            keysByVariable.put(variable, key.name);
            if (key.type == ConfigDef.Type.PASSWORD) {
                secretFileVariables.add(variable + "_FILE");
            }
        });
    }

    /** The documented key (or emulator option) a variable sets, if it is one. */
    Optional<String> keyOf(String variable) {
        return Optional.ofNullable(keysByVariable.get(variable));
    }

    /** Empty when the service reads {@code variable}; otherwise what is wrong, with the nearest documented name. */
    Optional<String> problem(String variable) {
        if (keysByVariable.containsKey(variable) || variable.equals(JAVA_OPTS)) {
            return Optional.empty();
        }
        boolean configured = service != RunflowService.EMULATOR;
        if (configured && (secretFileVariables.contains(variable) || variable.equals(CONFIG_FILE))) {
            return Optional.empty();
        }
        if (configured && variable.startsWith("KAFKA_") && variable.length() > "KAFKA_".length()) {
            // ServiceConfig passes KAFKA_* through, except *_FILE, which it would silently ignore.
            return variable.endsWith("_FILE")
                    ? Optional.of(variable + " is ignored: Kafka client properties pass through as KAFKA_<PROPERTY>, "
                            + "and only the service's own secret keys read a _FILE")
                    : Optional.empty();
        }
        if (service.readsS3() && AWS_STANDARD.contains(variable)) {
            return Optional.empty();
        }
        return Optional.of(variable + " is not a variable the " + service.command() + " reads"
                + nearest(variable).map(n -> " (did you mean " + n + "?)").orElse(""));
    }

    private Optional<String> nearest(String variable) {
        Set<String> known = new TreeSet<>(keysByVariable.keySet());
        known.addAll(secretFileVariables);
        if (service.readsS3()) {
            known.addAll(AWS_STANDARD);
        }
        return known.stream()
                .min(Comparator.comparingInt((String candidate) -> distance(candidate, variable))
                        .thenComparing(c -> c))
                .filter(candidate -> distance(candidate, variable) <= Math.max(2, variable.length() / 4));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
