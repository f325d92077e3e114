package io.runflowkafka.registry;

import static io.runflowkafka.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code schemas check} run as a pipeline runs it, against the local registry over HTTP. */
class SchemasCommandTest {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"Upload\",\"namespace\":\"x\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Upload\",\"namespace\":\"x\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"size\",\"type\":\"long\",\"default\":0}]}";
    private static final String BREAKING = "{\"type\":\"record\",\"name\":\"Upload\",\"namespace\":\"x\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"size\",\"type\":\"long\"}]}";

    @RegisterExtension
    final RunningRegistry api = new RunningRegistry();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldPassCompatibleAndNewSchemasOneLineEach() {
        api.post("/subjects/uploads-value/versions", schemaBody(V1));
        Map<String, Schema> defaults = Map.of("uploads", parse(V2), "fresh", parse(V1));

        int exit = run(new SchemasCommand(defaults), "check", "--registry", api.url());

        assertThat(exit).isZero();
        assertThat(lines())
                .containsExactly(
                        "NEW fresh-value (x.Upload, topic fresh): not registered yet",
                        "COMPATIBLE uploads-value (x.Upload, topic uploads): compatible with the registered versions");
    }

    @Test
    void shouldExitOneOnANewSubjectOnlyWhenAskedTo() {
        Map<String, Schema> defaults = Map.of("renamed", parse(V1));

        assertThat(run(new SchemasCommand(defaults), "check", "--registry", api.url()))
                .isZero();
        assertThat(err.toString()).contains("no subject is registered yet", "--schema TOPIC=FILE");
        assertThat(run(new SchemasCommand(defaults), "check", "--registry", api.url(), "--fail-on-new"))
                .isEqualTo(1);
    }

    @Test
    void shouldFailOnAnIncompatibleSchemaWithTheRegistrysReason() throws IOException {
        api.post("/subjects/uploads-value/versions", schemaBody(V1));

        int exit = run(new SchemasCommand(), "check", "--registry", api.url(), "--schema", "uploads=" + file(BREAKING));

        assertThat(exit).isEqualTo(1);
        assertThat(lines())
                .singleElement()
                .asString()
                .startsWith("INCOMPATIBLE uploads-value (x.Upload, topic uploads): ")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void shouldJudgeUnderTheSubjectsLevelOnTheRegistry() throws IOException {
        api.post("/subjects/uploads-value/versions", schemaBody(V1));
        api.put("/config/uploads-value", "{\"compatibility\":\"FORWARD\"}");

        int exit = run(new SchemasCommand(), "check", "--registry", api.url(), "--schema", "uploads=" + file(BREAKING));

        assertThat(exit).as(out.toString()).isZero();
    }

    @Test
    void shouldNameSubjectsByTheGivenStrategy() throws IOException {
        api.post("/subjects/x.Upload/versions", schemaBody(V1));

        int exit = run(
                new SchemasCommand(),
                "check",
                "--registry",
                api.url(),
                "--subject-strategy",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                "--schema",
                "a=" + file(V2),
                "--schema",
                "b=" + file(V2));

        assertThat(exit).isZero();
        assertThat(lines())
                .as("one line per subject")
                .singleElement()
                .asString()
                .startsWith("COMPATIBLE x.Upload ");
    }

    @Test
    void shouldExitTwoWhenTheRegistryCannotBeAsked() throws IOException {
        int exit = run(
                new SchemasCommand(), "check", "--registry", "http://127.0.0.1:1", "--schema", "uploads=" + file(V1));

        assertThat(exit).isEqualTo(2);
        assertThat(lines())
                .singleElement()
                .asString()
                .startsWith("FAILED uploads-value ")
                .contains("unavailable");
    }

    @Test
    void shouldRefuseAnUnknownStrategyAndMissingSchemas() {
        assertThat(run(new SchemasCommand(), "check", "--registry", api.url(), "--subject-strategy", "Mine"))
                .isEqualTo(2);
        assertThat(run(new SchemasCommand(), "check", "--registry", api.url())).isEqualTo(2);
        assertThat(run(new SchemasCommand(), "check", "--registry", "mock://x", "--schema", "t=x.avsc"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("unknown subject strategy 'Mine'")
                .contains("no local schemas")
                .contains("mock://");
        assertThat(out.toString()).isEmpty();
    }

    private int run(SchemasCommand command, String... args) {
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    private List<String> lines() {
        return new ArrayList<>(out.toString().lines().toList());
    }

    private String file(String schema) throws IOException {
        Path file = Files.createTempFile(dir, "schema", ".avsc");
        Files.writeString(file, schema);
        return file.toString();
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }
}
