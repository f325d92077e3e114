package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.ScriptedHttpServer.Request;
import io.runflowkafka.serde.ScriptedHttpServer.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema UPLOAD = UploadEvent.getClassSchema();
    private static final String SECRET = "s3cr3t-Pa55";

    private ScriptedHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new ScriptedHttpServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void shouldRegisterWithThePathContentTypeAndBodyOfTheConfluentApi() throws IOException {
        server.respond(Response.json(200, "{\"id\": 21}"));

        int id = client(config(server.url())).register("photos.uploaded-value", UPLOAD);

        assertThat(id).isEqualTo(21);
        Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/subjects/photos.uploaded-value/versions");
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Authorization")).isNull();
        String sentSchema = JSON.readTree(request.body()).get("schema").asText();
        assertThat(new Schema.Parser().parse(sentSchema)).isEqualTo(UPLOAD);
        assertThat(sentSchema).isEqualTo(UPLOAD.toString());
    }

    @Test
    void shouldLookUpASchemaUnderASubject() throws IOException {
        server.respond(Response.json(
                200,
                "{\"subject\":\"s-value\",\"id\":5,\"version\":2,\"schema\":"
                        + JSON.writeValueAsString(UPLOAD.toString()) + "}"));

        assertThat(client(config(server.url())).getId("s-value", UPLOAD)).isEqualTo(5);

        Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/subjects/s-value");
        assertThat(JSON.readTree(request.body()).get("schema").asText()).isEqualTo(UPLOAD.toString());
    }

    @Test
    void shouldTestCompatibilityAgainstTheSubjectAndReturnTheRegistrysReasons() throws IOException {
        server.respond(
                Response.json(200, "{\"is_compatible\":true,\"messages\":[]}"),
                Response.json(200, "{\"is_compatible\":false,\"messages\":[\"field b has no default\"]}"),
                Response.json(200, "{\"is_compatible\":false}"));
        RestSchemaRegistryClient client = client(config(server.url()));

        assertThat(client.testCompatibility("s-value", UPLOAD)).isEmpty();
        assertThat(client.testCompatibility("s-value", UPLOAD)).containsExactly("field b has no default");
        assertThat(client.testCompatibility("s-value", UPLOAD)).containsExactly("the registry gave no reason");

        Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/compatibility/subjects/s-value/versions");
        assertThat(JSON.readTree(request.body()).get("schema").asText()).isEqualTo(UPLOAD.toString());
    }

    @Test
    void shouldFetchASchemaByIdAndTheLatestVersion() throws IOException {
        String schemaJson = JSON.writeValueAsString(UPLOAD.toString());
        server.respond(
                Response.json(200, "{\"schema\":" + schemaJson + "}"),
                Response.json(200, "{\"subject\":\"s-value\",\"id\":9,\"version\":4,\"schema\":" + schemaJson + "}"));
        RestSchemaRegistryClient client = client(config(server.url()));

        assertThat(client.getSchemaById(9)).isEqualTo(UPLOAD);
        assertThat(client.getLatestVersion("s-value")).isEqualTo(new RegisteredSchema("s-value", 9, 4, UPLOAD));

        assertThat(server.requests())
                .extracting(Request::method, Request::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", "/schemas/ids/9"),
                        org.assertj.core.groups.Tuple.tuple("GET", "/subjects/s-value/versions/latest"));
    }

    @Test
    void shouldKeepTheUrlPathPrefixAndEncodeTheSubject() {
        server.respond(Response.json(200, "{\"id\": 1}"));

        client(config(server.url() + "/apis/ccompat/v7/")).register("odd subject/1", UPLOAD);

        assertThat(server.requests().get(0).path()).isEqualTo("/apis/ccompat/v7/subjects/odd%20subject%2F1/versions");
    }

    @Test
    void shouldSendBasicAuthFromUserInfo() {
        server.respond(Response.json(200, "{\"id\": 1}"));
        Map<String, Object> config = config(server.url());
        config.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:" + SECRET);

        client(config).register("s-value", UPLOAD);

        assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Basic " + base64("alice:" + SECRET));
    }

    @Test
    void shouldSendBasicAuthFromTheUrlAndKeepItOutOfTheRequestLine() {
        server.respond(Response.json(200, "{\"id\": 1}"));
        String url = server.url().replace("http://", "http://bob:" + SECRET + "@");

        RestSchemaRegistryClient client = client(config(url));
        client.register("s-value", UPLOAD);

        assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Basic " + base64("bob:" + SECRET));
        assertThat(client.toString())
                .doesNotContain(SECRET)
                .doesNotContain("bob")
                .contains(server.url());
    }

    @Test
    void shouldFailOverToTheNextUrlWhenTheFirstRefusesConnections() throws IOException {
        server.respond(Response.json(200, "{\"id\": 3}"), Response.json(200, "{\"id\": 4}"));
        RestSchemaRegistryClient client = client(config(closedPortUrl() + "," + server.url()));

        assertThat(client.register("a-value", UPLOAD)).isEqualTo(3);
        assertThat(client.register("b-value", UPLOAD)).isEqualTo(4);
        assertThat(server.requests())
                .extracting(Request::path)
                .containsExactly("/subjects/a-value/versions", "/subjects/b-value/versions");
    }

    @Test
    void shouldStayOnTheUrlThatAnsweredInsteadOfRetryingTheFailedOneFirst() throws IOException {
        try (ScriptedHttpServer failing = new ScriptedHttpServer()) {
            failing.respond(Response.json(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}"));
            server.respond(Response.json(200, "{\"id\": 3}"), Response.json(200, "{\"id\": 4}"));
            RestSchemaRegistryClient client = client(config(failing.url() + "," + server.url()));

            client.register("a-value", UPLOAD);
            client.register("b-value", UPLOAD);

            assertThat(failing.requests()).hasSize(1);
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void shouldListEveryUrlTriedWhenTheRegistryIsDown() throws IOException {
        try (ScriptedHttpServer failing = new ScriptedHttpServer()) {
            failing.respond(Response.json(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}"));
            String refused = closedPortUrl();
            String withCredentials = failing.url().replace("http://", "http://carol:" + SECRET + "@");

            assertThatThrownBy(() ->
                            client(config(refused + "," + withCredentials)).getSchemaById(7))
                    .isInstanceOf(SchemaRegistryUnavailableException.class)
                    .isNotInstanceOf(SerializationException.class)
                    .hasMessageContaining("could not fetch schema id 7")
                    .hasMessageContaining(refused + " (connection refused)")
                    .hasMessageContaining(failing.url() + " (HTTP 503")
                    .hasMessageContaining("forwarding failed")
                    .hasMessageNotContaining(SECRET)
                    .hasMessageNotContaining("carol");
        }
    }

    @Test
    void shouldGiveUpOnASlowRegistryAfterTheReadTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        server.respond(Response.heldUntil(never));
        Map<String, Object> config = config(server.url());
        config.put(SchemaRegistryConfig.HTTP_READ_TIMEOUT_MS, 300);
        long start = System.nanoTime();

        assertThatThrownBy(() -> client(config).register("slow-value", UPLOAD))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining(server.url() + " (no response within 300 ms)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldMapAConflictToAnIncompatibleSchemaErrorWithTheRegistrysReason() {
        server.respond(Response.json(
                409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an"
                        + " earlier schema for subject \\\"photos.uploaded-value\\\"\"}"));

        assertThatThrownBy(() -> client(config(server.url())).register("photos.uploaded-value", UPLOAD))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("refused to register schema io.runflowkafka.schema.UploadEvent under subject"
                        + " 'photos.uploaded-value' as incompatible")
                .hasMessageContaining("registry said: Schema being registered is incompatible")
                .hasMessageContaining("add new fields with defaults");
    }

    @Test
    void shouldMapUnknownSubjectAndUnknownSchemaToTheirOwnErrors() {
        server.respond(
                Response.json(404, "{\"error_code\":40401,\"message\":\"Subject 'nope-value' not found.\"}"),
                Response.json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"),
                Response.json(404, "{\"error_code\":40403,\"message\":\"Schema 77 not found\"}"));
        RestSchemaRegistryClient client = client(config(server.url()));

        assertThatThrownBy(() -> client.getLatestVersion("nope-value"))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessageContaining("Subject 'nope-value' not found")
                .hasMessageContaining("error 40401");
        assertThatThrownBy(() -> client.getId("s-value", UPLOAD))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("io.runflowkafka.schema.UploadEvent is not registered under subject 's-value'");
        assertThatThrownBy(() -> client.getSchemaById(77))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("Schema id 77 not found");
    }

    @Test
    void shouldSuspectAWrongPathOnAPlain404() {
        server.respond(new Response(404, "<html>Not Found</html>", null));

        assertThatThrownBy(() -> client(config(server.url())).getSchemaById(1))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 404 without a registry error code")
                .hasMessageContaining("point at a Schema Registry API");
    }

    @Test
    void shouldMapRefusedCredentialsWithoutRevealingThem() {
        server.respond(
                Response.json(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"),
                Response.json(403, "{\"error_code\":40301,\"message\":\"User cannot access the resource.\"}"));
        Map<String, Object> config = config(server.url());
        config.put(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:" + SECRET);
        RestSchemaRegistryClient client = client(config);

        assertThatThrownBy(() -> client.register("s-value", UPLOAD))
                .isInstanceOfSatisfying(
                        SchemaRegistryAuthException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessageContaining("refused the credentials (HTTP 401)")
                .hasMessageContaining("basic.auth.credentials.source=USER_INFO")
                .hasMessageNotContaining(SECRET)
                .hasMessageNotContaining(base64("alice:" + SECRET));
        assertThatThrownBy(() -> client.register("s-value", UPLOAD))
                .isInstanceOfSatisfying(
                        SchemaRegistryAuthException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40301))
                .hasMessageContaining("denied permission (HTTP 403)")
                .hasMessageContaining("auto.register.schemas=false")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void shouldSayNoCredentialsWereSentWhenA401ComesWithoutAny() {
        server.respond(Response.json(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));

        assertThatThrownBy(() -> client(config(server.url())).getSchemaById(1))
                .isInstanceOf(SchemaRegistryAuthException.class)
                .hasMessageContaining("no credentials were sent");
    }

    @Test
    void shouldMapAnInvalidSchemaAnswer() {
        server.respond(Response.json(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));

        assertThatThrownBy(() -> client(config(server.url())).register("s-value", UPLOAD))
                .isInstanceOfSatisfying(
                        InvalidSchemaException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(42201))
                .hasMessageContaining("Invalid schema");
    }

    @Test
    void shouldRefuseANonAvroSchemaById() {
        server.respond(Response.json(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"));

        assertThatThrownBy(() -> client(config(server.url())).getSchemaById(3))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("PROTOBUF schema, not Avro");
    }

    private static Map<String, Object> config(String urls) {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, urls);
        config.put(SchemaRegistryConfig.HTTP_CONNECT_TIMEOUT_MS, 2_000);
        config.put(SchemaRegistryConfig.HTTP_READ_TIMEOUT_MS, 5_000);
        return config;
    }

    private static RestSchemaRegistryClient client(Map<String, Object> config) {
        return new RestSchemaRegistryClient(new SchemaRegistryConfig(config));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A loopback URL nothing listens on: bound then released, so connecting is refused. */
    static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
