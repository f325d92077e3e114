package io.runflowkafka.cli;

import io.runflowkafka.console.ArchiveSource;
import io.runflowkafka.console.Console;
import io.runflowkafka.console.ConsoleSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The demo's console: on loopback without a token, over the demo's broker, registry, services and archive. */
final class DemoConsole {

    private DemoConsole() {}

    /**
     * @param ports each service's HTTP port on 127.0.0.1
     * @param ownPhotos the folder of {@code --images}, whose photos get thumbnails; null when not given
     */
    static Console start(
            String bootstrap, String registryUrl, int port, Path archive, Path ownPhotos, Map<String, Integer> ports) {
        Map<String, URI> services = new TreeMap<>();
        ports.forEach((name, p) -> services.put(name, URI.create("http://127.0.0.1:" + p)));
        return Console.start(new ConsoleSettings(
                "127.0.0.1",
                port,
                Optional.empty(),
                bootstrap,
                Map.of(),
                Map.of("schema.registry.url", registryUrl),
                ConsoleSettings.PipelineTopics.defaults(),
                services,
                new ArchiveSource.Folder(archive),
                Optional.ofNullable(ownPhotos)));
    }
}
