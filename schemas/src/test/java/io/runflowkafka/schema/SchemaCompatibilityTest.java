package io.runflowkafka.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build's schema gate: every current schema must read data written with every released version
 * kept under {@code src/compat/v*} (BACKWARD compatibility, as a Schema Registry would enforce it).
 */
class SchemaCompatibilityTest {

    /** Every event schema of the project; a new event is added here and to src/compat at release. */
    static final List<Class<?>> EVENTS = List.of(
            UploadEvent.class,
            ScoredUpload.class,
            HeadshotJob.class,
            HeadshotsCompleted.class,
            HeadshotsArchived.class,
            RunCompleted.class);

    static Stream<Arguments> currentAgainstReleased() throws IOException, URISyntaxException {
        URL root = SchemaCompatibilityTest.class.getResource("/compat");
        assertThat(root).as("released schemas on the test class path").isNotNull();
        try (Stream<Path> versions = Files.list(Path.of(root.toURI()))) {
            List<Path> released = versions.filter(Files::isDirectory).sorted().toList();
            assertThat(released).as("released schema versions").isNotEmpty();
            return released.stream()
                    .flatMap(version -> EVENTS.stream()
                            .map(event ->
                                    Arguments.of(version.getFileName() + "/" + event.getSimpleName(), event, version)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("currentAgainstReleased")
    void shouldReadEveryReleasedVersionWithTheCurrentSchema(String name, Class<?> event, Path version)
            throws IOException {
        Path releasedFile = version.resolve(event.getSimpleName() + ".avsc");
        if (!Files.exists(releasedFile)) {
            return; // the event did not exist in that release: nothing to stay compatible with
        }
        Schema released = new Schema.Parser().parse(releasedFile.toFile());
        Schema current = SpecificData.get().getSchema(event);

        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);

        assertThat(result.getType())
                .as(
                        "%s must read data written with %s: %s",
                        event.getSimpleName(),
                        version.getFileName(),
                        result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldKeepTheSourceSchemaFilesEqualToTheGeneratedClasses() {
        for (Class<?> event : EVENTS) {
            Schema fromFile = parseResource("/avro/" + event.getSimpleName() + ".avsc");
            // Parsing Canonical Form: the generator adds avro.java.string properties, nothing else may differ.
            assertThat(SchemaNormalization.toParsingForm(fromFile))
                    .as(event.getSimpleName())
                    .isEqualTo(
                            SchemaNormalization.toParsingForm(SpecificData.get().getSchema(event)));
        }
    }

    @Test
    void shouldRejectANewRequiredFieldWithoutDefault() {
        Schema released = SpecificData.get().getSchema(UploadEvent.class);
        Schema incompatible = new Schema.Parser()
                .parse(released.toString()
                        .replace(
                                "{\"name\":\"user_id\"",
                                "{\"name\":\"tenant_id\",\"type\":\"string\"},{\"name\":\"user_id\""));

        var result = SchemaCompatibility.checkReaderWriterCompatibility(incompatible, released);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(i -> assertThat(i.getMessage()).contains("tenant_id"));
    }

    @Test
    void shouldRejectAChangedFieldType() {
        Schema released = SpecificData.get().getSchema(ScoredUpload.class);
        Schema incompatible = new Schema.Parser()
                .parse(released.toString()
                        .replace(
                                "{\"name\":\"quality_score\",\"type\":\"double\"",
                                "{\"name\":\"quality_score\",\"type\":\"int\""));

        var result = SchemaCompatibility.checkReaderWriterCompatibility(incompatible, released);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void shouldAcceptANewFieldWithDefault() {
        Schema released = SpecificData.get().getSchema(HeadshotsCompleted.class);
        Schema evolved = new Schema.Parser()
                .parse(released.toString()
                        .replace(
                                "{\"name\":\"job_ref\"",
                                "{\"name\":\"region\",\"type\":\"string\",\"default\":\"eu\"},{\"name\":\"job_ref\""));

        var result = SchemaCompatibility.checkReaderWriterCompatibility(evolved, released);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldDocumentEveryFieldOfEveryEvent() {
        for (Class<?> event : EVENTS) {
            assertAllFieldsDocumented(SpecificData.get().getSchema(event));
        }
    }

    private static void assertAllFieldsDocumented(Schema record) {
        assertThat(record.getDoc()).as("doc of %s", record.getFullName()).isNotBlank();
        for (Schema.Field field : record.getFields()) {
            assertThat(field.doc())
                    .as("doc of %s.%s", record.getName(), field.name())
                    .isNotBlank();
            Schema type = field.schema();
            if (type.getType() == Schema.Type.ARRAY && type.getElementType().getType() == Schema.Type.RECORD) {
                assertAllFieldsDocumented(type.getElementType());
            }
        }
    }

    private static Schema parseResource(String path) {
        try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
