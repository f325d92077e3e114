package io.runflowkafka.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.processor.internal.JobStatus;
import io.runflowkafka.processor.internal.OrderState;
import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.processor.internal.SubmissionRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * The state records as a released version wrote them. Stores and changelogs hold them as plain Avro binary, without
 * the writer's schema, so a later version may only add fields at the end, each with a default: a field inserted in
 * the middle would be read silently wrong (see {@link AvroTrailingFields}). Add each release's schemas here.
 */
class ReleasedStateSchemasTest {

    private static final List<String> RELEASES = List.of("0.1.0-b4250bf");

    @Test
    void shouldOnlyAppendFieldsWithDefaultsToEveryReleasedStateRecord() throws IOException {
        for (String release : RELEASES) {
            for (Schema current : List.of(
                    PendingCall.getClassSchema(),
                    OrderState.getClassSchema(),
                    SubmissionRequest.getClassSchema(),
                    JobStatus.getClassSchema())) {
                Schema released = released(release, current.getName());
                List<Schema.Field> before = released.getFields();
                List<Schema.Field> now = current.getFields();
                String what = current.getName() + " against " + release;

                assertThat(now.size()).as(what).isGreaterThanOrEqualTo(before.size());
                for (int i = 0; i < before.size(); i++) {
                    assertThat(now.get(i).name())
                            .as(what + ", field " + i)
                            .isEqualTo(before.get(i).name());
                    assertThat(SchemaNormalization.toParsingForm(now.get(i).schema()))
                            .as(what + ", " + before.get(i).name())
                            .isEqualTo(SchemaNormalization.toParsingForm(
                                    before.get(i).schema()));
                }
                for (Schema.Field added : now.subList(before.size(), now.size())) {
                    assertThat(added.hasDefaultValue())
                            .as(what + ": new field " + added.name() + " has a default")
                            .isTrue();
                }
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released)
                                .getType())
                        .as(what + ": the current version reads what the release wrote")
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    private static Schema released(String release, String name) throws IOException {
        String path = "/released-state/" + release + "/" + name + ".avsc";
        try (InputStream in = ReleasedStateSchemasTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}
