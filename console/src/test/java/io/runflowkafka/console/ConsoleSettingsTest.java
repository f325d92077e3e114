package io.runflowkafka.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleSettingsTest {

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutAToken() {
        assertThatThrownBy(() -> settings("0.0.0.0", Optional.empty(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give it a token");
        assertThatThrownBy(() -> settings("console.internal", Optional.empty(), Map.of()))
                .hasMessageContaining("beyond loopback");
        assertThat(settings("0.0.0.0", Optional.of("sixteen-chars-ok"), Map.of())
                        .token())
                .contains("sixteen-chars-ok");
    }

    @Test
    void shouldListenOnLoopbackWithoutAToken() {
        assertThat(settings("127.0.0.1", Optional.empty(), Map.of()).token()).isEmpty();
        assertThat(settings("localhost", Optional.of("  "), Map.of()).token()).isEmpty();
        assertThat(ConsoleSettings.isLoopback("::1")).isTrue();
        assertThat(ConsoleSettings.isLoopback("127.1.2.3")).isTrue();
        assertThat(ConsoleSettings.isLoopback("10.0.0.1")).isFalse();
        assertThat(ConsoleSettings.isLoopback("localhost.evil.example")).isFalse();
    }

    @Test
    void shouldRefuseAShortTokenAndAServiceThatIsNotHttp() {
        assertThatThrownBy(() -> settings("127.0.0.1", Optional.of("short"), Map.of()))
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> settings("127.0.0.1", Optional.empty(), Map.of("sink", URI.create("file:///etc"))))
                .hasMessageContaining("must be http or https");
        assertThatThrownBy(() ->
                        settings("127.0.0.1", Optional.empty(), Map.of("sink", URI.create("http://user:pw@sink:8091"))))
                .hasMessageContaining("must not carry credentials");
    }

    @Test
    void shouldRenameTopicsByLabel() {
        ConsoleSettings.PipelineTopics topics = ConsoleSettings.PipelineTopics.defaults()
                .with(Map.of("uploaded", "prod.photos.uploaded", "completed-dlq", "prod.completed.dlq"));

        assertThat(topics.uploaded()).isEqualTo("prod.photos.uploaded");
        assertThat(topics.deadLetters())
                .containsExactly("photos.uploaded.dlq", "headshots.jobs.dlq", "prod.completed.dlq");
        assertThat(topics.all()).hasSize(9).contains("headshots.archived");
        assertThatThrownBy(() -> ConsoleSettings.PipelineTopics.defaults().with(Map.of("uploads", "x")))
                .hasMessageContaining("no topic labelled uploads");
    }

    @Test
    void shouldReadTheHostOfAHostHeader() {
        assertThat(AccessGuard.hostName("127.0.0.1:8070")).isEqualTo("127.0.0.1");
        assertThat(AccessGuard.hostName("LOCALHOST")).isEqualTo("localhost");
        assertThat(AccessGuard.hostName("[::1]:8070")).isEqualTo("[::1]");
        assertThat(AccessGuard.hostName("localhost.evil.example:80")).isEqualTo("localhost.evil.example");
        assertThat(AccessGuard.hostName(null)).isEmpty();
    }

    private static ConsoleSettings settings(String host, Optional<String> token, Map<String, URI> services) {
        return new ConsoleSettings(
                host,
                0,
                token,
                "localhost:9092",
                Map.of(),
                Map.of("schema.registry.url", "mock://settings"),
                ConsoleSettings.PipelineTopics.defaults(),
                services,
                new ArchiveSource.Folder(Path.of("target", "no-archive")),
                Optional.empty());
    }
}
