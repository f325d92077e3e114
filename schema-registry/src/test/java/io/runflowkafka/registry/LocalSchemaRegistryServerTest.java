package io.runflowkafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.IncompatibleSchemaException;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalSchemaRegistryServerTest {

    private static final String SCOPE = "local-schema-registry-server-test";
    private final LocalSchemaRegistryServer server = LocalSchemaRegistryServer.start(SCOPE, 0);

    @AfterEach
    void stop() {
        server.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldLetAnotherClientReadWhatTheInMemoryScopeWrote() {
        UploadEvent upload = UploadEvent.newBuilder()
                .setUploadId("u1")
                .setOrderId("o1")
                .setUserId("user")
                .setImageUri("https://img.example/1.jpg")
                .setUploadedAt(Instant.EPOCH)
                .build();
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, Map.of("schema.registry.url", "mock://" + SCOPE), false)
                .serializer()
                .serialize("photos.uploaded", upload);

        UploadEvent read = AvroSerdes.specific(UploadEvent.class, Map.of("schema.registry.url", server.url()), false)
                .deserializer()
                .deserialize("photos.uploaded", bytes);

        assertThat(read).isEqualTo(upload);
    }

    @Test
    void shouldRegisterOverRestAndAnswerConfluentStyleErrors() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"fields\\\":[]}\"}";

        HttpResponse<String> registered = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/t-value/versions"))
                        .POST(HttpRequest.BodyPublishers.ofString(schema))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/nope-value/versions/latest"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> junk = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/t-value/versions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.body()).matches("\\{\"id\":\\d+}");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error_code\":40401");
        assertThat(junk.statusCode()).isEqualTo(422);
    }

    @Test
    void shouldGiveTheSameIdsAfterARestartWithItsJournal() throws Exception {
        java.nio.file.Path journal =
                java.nio.file.Path.of("target", "registry-journal-" + System.nanoTime(), "schemas.jsonl");
        String scope = SCOPE + "-journal";
        Map<String, Object> config;
        byte[] bytes;
        UploadEvent upload = UploadEvent.newBuilder()
                .setUploadId("u1")
                .setOrderId("o1")
                .setUserId("user")
                .setImageUri("https://img.example/1.jpg")
                .setUploadedAt(Instant.EPOCH)
                .build();
        try (LocalSchemaRegistryServer first = LocalSchemaRegistryServer.start(scope, 0, journal)) {
            config = Map.of("schema.registry.url", first.url());
            // Another schema first, so the upload's id depends on the order of registrations.
            AvroSerdes.specific(io.runflowkafka.schema.ScoredUpload.class, config, false)
                    .serializer()
                    .serialize(
                            "photos.accepted",
                            io.runflowkafka.schema.ScoredUpload.newBuilder()
                                    .setUploadId("u")
                                    .setOrderId("o")
                                    .setUserId("u")
                                    .setImageUri("x")
                                    .setDecision(io.runflowkafka.schema.Decision.ACCEPTED)
                                    .setQualityScore(1)
                                    .setBrightness(1)
                                    .setSharpness(1)
                                    .setThreshold(0.6)
                                    .setUploadedAt(Instant.EPOCH)
                                    .setScoredAt(Instant.EPOCH)
                                    .build());
            bytes = AvroSerdes.specific(UploadEvent.class, config, false)
                    .serializer()
                    .serialize("photos.uploaded", upload);
        }
        MockSchemaRegistry.dropScope(scope);

        try (LocalSchemaRegistryServer second = LocalSchemaRegistryServer.start(scope, 0, journal)) {
            UploadEvent read = AvroSerdes.specific(
                            UploadEvent.class, Map.of("schema.registry.url", second.url()), false)
                    .deserializer()
                    .deserialize("photos.uploaded", bytes);
            assertThat(read).isEqualTo(upload);
        } finally {
            MockSchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldReplayDeletesAndCompatibilityLevelsFromItsJournal() {
        Path journal = Path.of("target", "registry-journal-" + System.nanoTime(), "schemas.jsonl");
        String scope = SCOPE + "-journal-writes";
        String v1 = RegistryHttp.schemaBody("{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}");
        String v2 = RegistryHttp.schemaBody("{\"type\":\"record\",\"name\":\"R\",\"fields\":"
                + "[{\"name\":\"a\",\"type\":\"int\",\"default\":0}]}");
        try (LocalSchemaRegistryServer first = LocalSchemaRegistryServer.start(scope, 0, journal)) {
            RegistryHttp api = new RegistryHttp(first.url());
            api.post("/subjects/s/versions", v1);
            api.post("/subjects/s/versions", v2);
            api.delete("/subjects/s/versions/1");
            api.put("/config", "{\"compatibility\":\"FULL\"}");
            api.put("/config/s", "{\"compatibility\":\"NONE\"}");
            api.post("/subjects/gone/versions", v1);
            api.delete("/subjects/gone");
            api.delete("/subjects/gone?permanent=true");
        }
        MockSchemaRegistry.dropScope(scope);

        try (LocalSchemaRegistryServer second = LocalSchemaRegistryServer.start(scope, 0, journal)) {
            RegistryHttp api = new RegistryHttp(second.url());
            assertThat(api.get("/subjects/s/versions").body()).isEqualTo("[2]");
            assertThat(api.get("/subjects/s/versions?deleted=true").body()).isEqualTo("[1,2]");
            assertThat(api.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(api.get("/config/s").body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            assertThat(api.get("/subjects?deleted=true").body()).isEqualTo("[\"s\"]");
        } finally {
            MockSchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldGiveTheRestClientConfluentsAnswersForARefusedSchemaAndAnOldVersion() {
        SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", server.url()));
        Schema v1 = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        Schema v2 = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                        + "{\"name\":\"b\",\"type\":\"int\",\"default\":1}]}");
        Schema breaking = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"c\",\"type\":\"int\"}]}");
        int first = client.register("r-value", v1);
        client.register("r-value", v2);

        assertThat(client.getId("r-value", v1)).isEqualTo(first);
        assertThat(client.getLatestVersion("r-value").version()).isEqualTo(2);
        assertThatThrownBy(() -> client.register("r-value", breaking))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE");
    }
}
