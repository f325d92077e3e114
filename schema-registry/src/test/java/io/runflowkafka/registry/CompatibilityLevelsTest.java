package io.runflowkafka.registry;

import static io.runflowkafka.registry.RegistryHttp.parse;
import static io.runflowkafka.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.registry.RegistryHttp.Answer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each compatibility level enforced over HTTP as Confluent enforces it: on register (409, error code 409) and by the
 * compatibility endpoints, with {@code ?verbose=true} saying why.
 */
class CompatibilityLevelsTest {

    private static final String A = "{\"name\":\"a\",\"type\":\"string\"}";
    private static final String B_NO_DEFAULT = "{\"name\":\"b\",\"type\":\"string\"}";
    private static final String B_DEFAULT = "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}";
    private static final String ONLY_A = record(A);
    private static final String A_AND_B = record(A + "," + B_NO_DEFAULT);
    private static final String A_AND_B_DEFAULT = record(A + "," + B_DEFAULT);
    private static final String ONLY_B = record(B_NO_DEFAULT);
    private static final String ONLY_B_DEFAULT = record(B_DEFAULT);
    private static final String EMPTY = record("");

    @RegisterExtension
    final RunningRegistry api = new RunningRegistry();

    static Stream<Arguments> cases() {
        return Stream.of(
                // level, versions registered before (any level), candidate, compatible?
                Arguments.of("BACKWARD", List.of(ONLY_A), A_AND_B, false),
                Arguments.of("BACKWARD", List.of(ONLY_A), A_AND_B_DEFAULT, true),
                Arguments.of("BACKWARD", List.of(A_AND_B), ONLY_A, true),
                Arguments.of("FORWARD", List.of(ONLY_A), A_AND_B, true),
                Arguments.of("FORWARD", List.of(A_AND_B), ONLY_A, false),
                Arguments.of("FULL", List.of(ONLY_A), A_AND_B, false),
                Arguments.of("FULL", List.of(A_AND_B), ONLY_A, false),
                Arguments.of("FULL", List.of(ONLY_A), A_AND_B_DEFAULT, true),
                Arguments.of("NONE", List.of(ONLY_A), ONLY_B, true),
                // The candidate reads the latest version but not the first.
                Arguments.of("BACKWARD", List.of(ONLY_A, A_AND_B_DEFAULT), ONLY_B, true),
                Arguments.of("BACKWARD_TRANSITIVE", List.of(ONLY_A, A_AND_B_DEFAULT), ONLY_B, false),
                // The latest version reads the candidate but the first does not.
                Arguments.of("FORWARD", List.of(ONLY_A, ONLY_B_DEFAULT), EMPTY, true),
                Arguments.of("FORWARD_TRANSITIVE", List.of(ONLY_A, ONLY_B_DEFAULT), EMPTY, false),
                Arguments.of("FULL", List.of(ONLY_A, ONLY_B_DEFAULT), EMPTY, true),
                Arguments.of("FULL_TRANSITIVE", List.of(ONLY_A, ONLY_B_DEFAULT), EMPTY, false));
    }

    @ParameterizedTest(name = "{0}: {1} then {2} compatible={3}")
    @MethodSource("cases")
    void shouldEnforceTheSubjectsLevelOnRegisterAndInTheCheck(
            String level, List<String> earlier, String candidate, boolean compatible) {
        api.put("/config/s", "{\"compatibility\":\"NONE\"}");
        earlier.forEach(schema -> assertThat(
                        api.post("/subjects/s/versions", schemaBody(schema)).status())
                .isEqualTo(200));
        api.put("/config/s", "{\"compatibility\":\"" + level + "\"}");

        Answer check = api.post("/compatibility/subjects/s/versions?verbose=true", schemaBody(candidate));
        Answer register = api.post("/subjects/s/versions", schemaBody(candidate));

        assertThat(check.json().get("is_compatible").asBoolean())
                .as(check.body())
                .isEqualTo(compatible);
        assertThat(check.json().get("messages").isEmpty()).isEqualTo(compatible);
        if (compatible) {
            assertThat(register.status()).as(register.body()).isEqualTo(200);
            assertThat(register.json().has("id")).isTrue();
        } else {
            assertThat(register.status()).as(register.body()).isEqualTo(409);
            assertThat(register.errorCode()).isEqualTo(409);
            assertThat(check.body()).contains("{compatibility: '" + level + "'}");
        }
    }

    @Test
    void shouldSayWhichVersionAndWhichFieldBreakTheTransitiveCheck() {
        api.put("/config/s", "{\"compatibility\":\"NONE\"}");
        api.post("/subjects/s/versions", schemaBody(ONLY_A));
        api.post("/subjects/s/versions", schemaBody(A_AND_B_DEFAULT));
        api.put("/config/s", "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");

        Answer check = api.post("/compatibility/subjects/s/versions?verbose=true", schemaBody(ONLY_B));

        assertThat(check.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(check.json().get("messages").toString())
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("The field 'b' at path '/fields/0' in the new schema has no default value and is missing"
                        + " in the old schema")
                .contains("{oldSchemaVersion: 1}")
                .contains("{compatibility: 'BACKWARD_TRANSITIVE'}");
    }

    @Test
    void shouldCheckAgainstTheNamedVersionOnly() {
        api.put("/config/s", "{\"compatibility\":\"NONE\"}");
        api.post("/subjects/s/versions", schemaBody(ONLY_A));
        api.post("/subjects/s/versions", schemaBody(ONLY_B));
        api.delete("/config/s");

        assertThat(api.post("/compatibility/subjects/s/versions/1", schemaBody(A_AND_B_DEFAULT))
                        .json())
                .isEqualTo(parse("{\"is_compatible\":true}"));
        assertThat(api.post("/compatibility/subjects/s/versions/latest", schemaBody(A_AND_B_DEFAULT))
                        .json())
                .isEqualTo(parse("{\"is_compatible\":false}"));
        assertThat(api.post("/compatibility/subjects/s/versions/2?verbose=true", schemaBody(ONLY_B))
                        .json())
                .isEqualTo(parse("{\"is_compatible\":true,\"messages\":[]}"));
    }

    @Test
    void shouldFollowTheGlobalLevelUnlessTheSubjectHasItsOwn() {
        api.post("/subjects/s/versions", schemaBody(ONLY_A));
        api.put("/config", "{\"compatibility\":\"FORWARD\"}");

        assertThat(api.post("/subjects/s/versions", schemaBody(A_AND_B)).status())
                .as("refused under BACKWARD, accepted under the global FORWARD")
                .isEqualTo(200);
        api.put("/config/s", "{\"compatibility\":\"BACKWARD\"}");
        String withC = record(A + "," + B_NO_DEFAULT + ",{\"name\":\"c\",\"type\":\"int\"}");
        assertThat(api.post("/subjects/s/versions", schemaBody(withC)).status())
                .as("accepted under the global FORWARD, refused under the subject's BACKWARD")
                .isEqualTo(409);
    }

    @Test
    void shouldAnswerTheCompatibilityCheckLikeConfluentForMissingSubjectsVersionsAndBadSchemas() {
        api.post("/subjects/s/versions", schemaBody(ONLY_A));

        assertThat(api.post("/compatibility/subjects/new-value/versions/latest", schemaBody(ONLY_A))
                        .json())
                .as("latest of a subject with nothing registered: compatible, as in Confluent")
                .isEqualTo(parse("{\"is_compatible\":true}"));
        assertThat(api.post("/compatibility/subjects/s/versions/5", schemaBody(ONLY_A))
                        .errorCode())
                .isEqualTo(40402);
        assertThat(api.post("/compatibility/subjects/s/versions/zero", schemaBody(ONLY_A))
                        .errorCode())
                .isEqualTo(42202);
        assertThat(api.post("/compatibility/subjects/s/versions/latest", schemaBody("{\"type\":\"nope\"}"))
                        .errorCode())
                .isEqualTo(42201);
        Answer verbose = api.post(
                "/compatibility/subjects/s/versions/latest?verbose=true",
                schemaBody("{\"type\":\"record\",\"name\":\"R\"}"));
        assertThat(verbose.status()).isEqualTo(200);
        assertThat(verbose.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.json().get("messages").get(0).asText()).contains("Record has no fields");
    }

    private static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}";
    }
}
