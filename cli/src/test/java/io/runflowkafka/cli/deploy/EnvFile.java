package io.runflowkafka.cli.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of {@code NAME=value} lines, as docker compose's {@code .env} and Kustomize's {@code envs} files
 * are: {@code #} starts a comment line; a commented-out assignment ({@code # NAME=value}) documents a
 * variable without setting it.
 *
 * @param values the assignments in force
 * @param commented the commented-out assignments (an alternative setting, e.g. for real Runflow)
 * @param documented the names assigned, in force or commented out
 */
record EnvFile(Map<String, String> values, Map<String, String> commented, Set<String> documented) {

    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$");
    private static final Pattern COMMENTED = Pattern.compile("^\\s*#\\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$");

    static EnvFile read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> commented = new LinkedHashMap<>();
        Set<String> documented = new TreeSet<>();
        for (String line : DeployTree.read(file).split("\\R")) {
            Matcher assignment = ASSIGNMENT.matcher(line);
            if (!line.strip().startsWith("#") && assignment.matches()) {
                values.put(assignment.group(1), assignment.group(2));
                documented.add(assignment.group(1));
                continue;
            }
            Matcher comment = COMMENTED.matcher(line);
            if (comment.matches()) {
                commented.put(comment.group(1), comment.group(2));
                documented.add(comment.group(1));
            } else if (!line.isBlank() && !line.strip().startsWith("#")) {
                throw new IllegalArgumentException(file + ": not NAME=value: " + line);
            }
        }
        return new EnvFile(Map.copyOf(values), Map.copyOf(commented), Set.copyOf(documented));
    }
}
