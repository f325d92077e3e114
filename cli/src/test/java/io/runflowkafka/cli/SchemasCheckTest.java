package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.registry.LocalSchemaRegistryServer;
import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.MockSchemaRegistry;
import io.runflowkafka.testkit.Unique;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code runflow-kafka schemas check} with the project's own schemas, against a registry over real HTTP. */
class SchemasCheckTest {

    private final String scope = Unique.name("schemas-check");
    private LocalSchemaRegistryServer registry;

    @BeforeEach
    void start() {
        registry = LocalSchemaRegistryServer.start(scope, 0);
    }

    @AfterEach
    void stop() {
        registry.close();
        MockSchemaRegistry.dropScope(scope);
    }

    private record Run(int exit, String out) {}

    private Run check() {
        CommandLine line = Main.commandLine();
        StringWriter out = new StringWriter();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(new StringWriter()));
        return new Run(line.execute("schemas", "check", "--registry", registry.url()), out.toString());
    }

    private void register(String subject, Schema schema) throws Exception {
        String quoted = schema.toString().replace("\\", "\\\\").replace("\"", "\\\"");
        String body = "{\"schema\":\"" + quoted + "\"}";
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void shouldPassEveryProjectSchemaAgainstAnEmptyRegistryAndWhatItRegistered() throws Exception {
        Run empty = check();

        assertThat(empty.exit()).as(empty.out()).isZero();
        assertThat(empty.out().lines())
                .hasSize(7)
                .allSatisfy(line -> assertThat(line).startsWith("NEW "));
        assertThat(empty.out()).contains("photos.uploaded-value", "runs.completed-value", "headshots.archived-value");

        register("photos.uploaded-value", UploadEvent.getClassSchema());
        Run registered = check();

        assertThat(registered.exit()).as(registered.out()).isZero();
        assertThat(registered.out()).contains("COMPATIBLE photos.uploaded-value");
    }

    @Test
    void shouldExitOneWhenTheRegistryHoldsASchemaTheLocalOneCannotReadBackward() throws Exception {
        // Under BACKWARD the local schema must read what was written with the registered one: every field it has
        // that the registered one lacks needs a default, and UploadEvent's upload_id has none.
        Schema registered = SchemaBuilder.record(UploadEvent.getClassSchema().getFullName())
                .fields()
                .requiredString("something_else")
                .endRecord();
        register("photos.uploaded-value", registered);

        Run run = check();

        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(run.out()).contains("INCOMPATIBLE photos.uploaded-value");
    }
}
