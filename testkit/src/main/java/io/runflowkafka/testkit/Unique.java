package io.runflowkafka.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.internals.Topic;

/**
 * Names and directories no other test uses: topics, group, application and transactional ids get a random
 * suffix (so test classes and forks can share one broker, even an external one), and state directories
 * live under the module's {@code target/} folder, never in the system's temp folder.
 */
public final class Unique {

    /** System property naming the folder for test state; defaults to {@code target/testkit} in the working directory. */
    public static final String BASE_DIRECTORY_PROPERTY = "runflow.testkit.dir";

    private Unique() {}

    /** {@code base} followed by a random suffix, e.g. {@code orders-3f9c2a71}; legal as a group, application or transactional id. */
    public static String name(String base) {
        Objects.requireNonNull(base, "base");
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A unique topic name starting with {@code base}.
     *
     * @throws org.apache.kafka.common.errors.InvalidTopicException if the name is not a legal topic name
     */
    public static String topic(String base) {
        String name = name(base);
        Topic.validate(name);
        return name;
    }

    /** Creates and returns a fresh directory named after {@code base} under {@link #baseDirectory()}. */
    public static Path directory(String base) {
        Path directory = baseDirectory().resolve(name(base));
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create test directory " + directory, e);
        }
    }

    /**
     * The folder holding all test state: {@value #BASE_DIRECTORY_PROPERTY} when set, else {@code target/testkit}
     * under the working directory (Maven runs tests from the module folder).
     */
    public static Path baseDirectory() {
        String configured = System.getProperty(BASE_DIRECTORY_PROPERTY);
        Path base = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.dir"), "target", "testkit");
        return base.toAbsolutePath().normalize();
    }
}
