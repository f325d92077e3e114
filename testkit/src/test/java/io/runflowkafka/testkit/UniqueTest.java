package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UniqueTest {

    @AfterEach
    void clearOverride() {
        System.clearProperty(Unique.BASE_DIRECTORY_PROPERTY);
    }

    @Test
    void shouldGiveDistinctNamesThatKeepTheBase() {
        Set<String> names = IntStream.range(0, 1_000)
                .mapToObj(i -> Unique.name("photos.uploaded"))
                .collect(Collectors.toSet());

        assertThat(names).hasSize(1_000).allSatisfy(name -> assertThat(name).matches("photos\\.uploaded-[0-9a-f]{8}"));
    }

    @Test
    void shouldRefuseTopicNamesKafkaWouldRefuse() {
        assertThat(Unique.topic("photos.accepted")).startsWith("photos.accepted-");
        assertThatThrownBy(() -> Unique.topic("photos accepted")).isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void shouldCreateDirectoriesUnderTargetOfTheWorkingDirectory() {
        Path directory = Unique.directory("streams-state");

        assertThat(directory)
                .isDirectory()
                .startsWith(Path.of(System.getProperty("user.dir"), "target", "testkit")
                        .toAbsolutePath());
        assertThat(directory.getFileName().toString()).startsWith("streams-state-");
    }

    @Test
    void shouldHonourTheBaseDirectoryOverride() {
        Path override = Path.of("target", "custom-testkit-dir").toAbsolutePath();
        System.setProperty(Unique.BASE_DIRECTORY_PROPERTY, override.toString());

        assertThat(Unique.directory("broker")).isDirectory().hasParent(override);
    }
}
