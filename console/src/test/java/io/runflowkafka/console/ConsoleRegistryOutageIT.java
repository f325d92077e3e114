package io.runflowkafka.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryConfig;
import io.runflowkafka.testkit.KafkaBrokerExtension;
import io.runflowkafka.testkit.Unique;
import io.runflowkafka.testkit.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console while its schema registry is down: records it cannot decode yet are neither counted as undecodable nor
 * lost, the page says why its figures stand still, and everything is read once the registry is back.
 */
class ConsoleRegistryOutageIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConsoleSettings.PipelineTopics TOPICS = ConsoleSettings.PipelineTopics.defaults();

    private final String scope = Unique.name("console-registry-outage");
    private LocalSchemaRegistryServer registry;
    private Console console;

    @AfterEach
    void stop() {
        if (console != null) {
            console.close();
        }
        if (registry != null) {
            registry.close();
        }
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldWaitForTheRegistryInsteadOfCountingRecordsUndecodable() throws Exception {
        TOPICS.all().forEach(t -> KAFKA.topics().create(t, 2));
        registry = LocalSchemaRegistryServer.start(scope, 0);
        int port = URI.create(registry.url()).getPort();
        Map<String, Object> serde = Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        Serializer<UploadEvent> uploads =
                AvroSerdes.specific(UploadEvent.class, serde, false).serializer();
        try (var producer = KAFKA.clients().producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 6; i++) {
                byte[] key = ("order-" + (i % 3)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(
                                TOPICS.uploaded(), key, uploads.serialize(TOPICS.uploaded(), upload(i))))
                        .get();
            }
        }
        registry.close(); // the console starts with nothing cached, so each record needs the registry
        registry = null;

        console = Console.start(new ConsoleSettings(
                "127.0.0.1",
                0,
                Optional.empty(),
                KAFKA.bootstrapServers(),
                Map.of(),
                serde,
                TOPICS,
                Map.of(),
                new ArchiveSource.Folder(Unique.directory("console-archive")),
                Optional.empty()));

        Waits.await("the console to read the uploads or say why it cannot", Duration.ofSeconds(30))
                .until(() -> {
                    JsonNode page = pipeline();
                    return page.path("readerError").asText("").contains("schema registry")
                            || topic(page, TOPICS.uploaded()).path("records").asLong() > 0;
                });
        JsonNode during = pipeline();
        JsonNode uploaded = topic(during, TOPICS.uploaded());
        assertThat(uploaded.path("undecodable").asLong())
                .as("records counted undecodable while the registry is down")
                .isZero();
        assertThat(uploaded.path("records").asLong()).isZero();
        assertThat(during.path("readerError").asText("")).contains("schema registry cannot be read");

        registry = LocalSchemaRegistryServer.start(scope, port);
        Waits.await("every upload read once the registry is back", Duration.ofSeconds(60))
                .until(() ->
                        topic(pipeline(), TOPICS.uploaded()).path("records").asLong() == 6);
        JsonNode after = pipeline();
        assertThat(topic(after, TOPICS.uploaded()).path("undecodable").asLong()).isZero();
        assertThat(after.path("readerError").isNull())
                .as("readerError once reading again: " + after.path("readerError"))
                .isTrue();
    }

    private JsonNode pipeline() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(console.baseUrl() + "api/pipeline"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode topic(JsonNode pipeline, String name) {
        for (JsonNode topic : pipeline.path("topics")) {
            if (topic.path("topic").asText().equals(name)) {
                return topic;
            }
        }
        throw new AssertionError("no topic " + name + " in " + pipeline);
    }

    private static UploadEvent upload(int i) {
        return UploadEvent.newBuilder()
                .setUploadId("u-" + i)
                .setOrderId("order-" + (i % 3))
                .setUserId("user-1")
                .setImageUri("https://photos.example/u-" + i + ".jpg")
                .setUploadedAt(Instant.now())
                .build();
    }
}
