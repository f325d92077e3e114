package io.runflowkafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import io.runflowkafka.serde.MockSchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
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
        UploadEvent upload = UploadEvent.newBuilder().setUploadId("u1").setOrderId("o1").setUserId("user")
                .setImageUri("https://img.example/1.jpg").setUploadedAt(Instant.EPOCH).build();
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, Map.of("schema.registry.url", "mock://" + SCOPE), false)
                .serializer().serialize("photos.uploaded", upload);

        UploadEvent read = AvroSerdes.specific(UploadEvent.class, Map.of("schema.registry.url", server.url()), false)
                .deserializer().deserialize("photos.uploaded", bytes);

        assertThat(read).isEqualTo(upload);
    }

    @Test
    void shouldRegisterOverRestAndAnswerConfluentStyleErrors() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"fields\\\":[]}\"}";

        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/subjects/t-value/versions")).POST(HttpRequest.BodyPublishers.ofString(schema)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/subjects/nope-value/versions/latest")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> junk = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/subjects/t-value/versions")).POST(HttpRequest.BodyPublishers.ofString("{]")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.body()).matches("\\{\"id\":\\d+}");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error_code\":40401");
        assertThat(junk.statusCode()).isEqualTo(422);
    }
}
