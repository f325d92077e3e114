package io.runflowkafka.registry;

import static io.runflowkafka.registry.RegistryHttp.parse;
import static io.runflowkafka.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.registry.RegistryHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local server against the requests and responses of Confluent's API reference and its quickstart examples (the
 * schema-registry repository's README), over real HTTP.
 */
class RegistryApiTest {

    private static final String STRING = "{\"type\": \"string\"}";
    private static final String V1 = record("{\"name\":\"a\",\"type\":\"string\"}");
    private static final String V2 =
            record("{\"name\":\"a\",\"type\":\"string\"}," + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");
    private static final String V3 = record("{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"},{\"name\":\"c\",\"type\":\"int\",\"default\":0}");

    @RegisterExtension
    final RunningRegistry api = new RunningRegistry();

    @Test
    void shouldAnswerTheQuickstartExamplesAsDocumented() {
        assertThat(api.post("/subjects/Kafka-key/versions", schemaBody(STRING)).json())
                .isEqualTo(parse("{\"id\":1}"));
        assertThat(api.post("/subjects/Kafka-value/versions", schemaBody(STRING))
                        .json())
                .isEqualTo(parse("{\"id\":1}"));
        assertThat(api.get("/subjects").json())
                .as("Confluent does not promise an order; this registry sorts")
                .containsExactlyInAnyOrder(parse("\"Kafka-value\""), parse("\"Kafka-key\""));
        assertThat(api.get("/subjects/Kafka-value/versions").json()).isEqualTo(parse("[1]"));
        assertThat(api.get("/schemas/ids/1").json()).isEqualTo(parse("{\"schema\":\"\\\"string\\\"\"}"));
        String version1 = "{\"subject\":\"Kafka-value\",\"version\":1,\"id\":1,\"schema\":\"\\\"string\\\"\"}";
        assertThat(api.get("/subjects/Kafka-value/versions/1").json()).isEqualTo(parse(version1));
        assertThat(api.get("/subjects/Kafka-value/versions/latest").json()).isEqualTo(parse(version1));
        assertThat(api.post("/subjects/Kafka-key", schemaBody(STRING)).json())
                .isEqualTo(parse("{\"subject\":\"Kafka-key\",\"version\":1,\"id\":1,\"schema\":\"\\\"string\\\"\"}"));
        assertThat(api.post("/compatibility/subjects/Kafka-value/versions/latest", schemaBody(STRING))
                        .json())
                .isEqualTo(parse("{\"is_compatible\":true}"));
        assertThat(api.get("/config").json()).isEqualTo(parse("{\"compatibilityLevel\":\"BACKWARD\"}"));
        assertThat(api.put("/config", "{\"compatibility\": \"NONE\"}").json())
                .isEqualTo(parse("{\"compatibility\":\"NONE\"}"));
        assertThat(api.put("/config/Kafka-value", "{\"compatibility\": \"BACKWARD\"}")
                        .json())
                .isEqualTo(parse("{\"compatibility\":\"BACKWARD\"}"));
        assertThat(api.get("/subjects/Kafka-value/versions/1/schema").json()).isEqualTo(parse("\"string\""));
    }

    @Test
    void shouldLookUpAnOlderVersionWithItsOwnVersionNumber() {
        api.post("/subjects/evolving-value/versions", schemaBody(V1));
        api.post("/subjects/evolving-value/versions", schemaBody(V2));
        api.post("/subjects/evolving-value/versions", schemaBody(V3));

        Answer second = api.post("/subjects/evolving-value", schemaBody(V2));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("version").asInt()).isEqualTo(2);
        assertThat(second.json().get("id").asInt()).isEqualTo(2);
        assertThat(api.post("/subjects/evolving-value", schemaBody(V1))
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void shouldDeleteSoftlyFirstAndPermanentlyOnlyAfterwards() {
        api.post("/subjects/s/versions", schemaBody(V1));
        api.post("/subjects/s/versions", schemaBody(V2));
        api.post("/subjects/s/versions", schemaBody(V3));

        assertThat(api.delete("/subjects/s/versions/2?permanent=true").errorCode())
                .isEqualTo(40407);
        Answer soft = api.delete("/subjects/s/versions/2");
        assertThat(soft.status()).isEqualTo(200);
        assertThat(soft.body()).isEqualTo("2");
        assertThat(api.get("/subjects/s/versions").json()).isEqualTo(parse("[1,3]"));
        assertThat(api.get("/subjects/s/versions?deleted=true").json()).isEqualTo(parse("[1,2,3]"));
        assertThat(api.get("/subjects/s/versions/2").errorCode()).isEqualTo(40402);
        assertThat(api.get("/subjects/s/versions/2?deleted=true")
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(2);
        assertThat(api.post("/subjects/s", schemaBody(V2)).errorCode()).isEqualTo(40403);
        assertThat(api.post("/subjects/s?deleted=true", schemaBody(V2))
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(2);
        Answer again = api.delete("/subjects/s/versions/2");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo(40406);
        assertThat(api.delete("/subjects/s/versions/2?permanent=true").body()).isEqualTo("2");
        assertThat(api.get("/subjects/s/versions?deleted=true").json()).isEqualTo(parse("[1,3]"));
        assertThat(api.get("/schemas/ids/2").errorCode()).isEqualTo(40403);

        assertThat(api.delete("/subjects/s?permanent=true").errorCode()).isEqualTo(40405);
        assertThat(api.delete("/subjects/s").json()).isEqualTo(parse("[1,3]"));
        assertThat(api.delete("/subjects/s").errorCode()).isEqualTo(40404);
        assertThat(api.get("/subjects").json()).isEqualTo(parse("[]"));
        assertThat(api.get("/subjects?deleted=true").json()).isEqualTo(parse("[\"s\"]"));
        assertThat(api.get("/subjects/s/versions").errorCode()).isEqualTo(40401);
        assertThat(api.get("/schemas/ids/1").status())
                .as("a soft-deleted schema is still found by id")
                .isEqualTo(200);
        assertThat(api.delete("/subjects/s?permanent=true").json()).isEqualTo(parse("[1,3]"));
        assertThat(api.get("/subjects?deleted=true").json()).isEqualTo(parse("[]"));
        assertThat(api.get("/schemas/ids/1").errorCode()).isEqualTo(40403);
        assertThat(api.delete("/subjects/s").errorCode()).isEqualTo(40401);
    }

    @Test
    void shouldNumberANewVersionAfterSoftDeletedOnesAndReviveADeletedSchema() {
        api.post("/subjects/s/versions", schemaBody(V1));
        api.post("/subjects/s/versions", schemaBody(V2));
        api.delete("/subjects/s/versions/latest");

        assertThat(api.post("/subjects/s/versions", schemaBody(V3))
                        .json()
                        .get("id")
                        .asInt())
                .isEqualTo(3);
        assertThat(api.get("/subjects/s/versions/latest").json().get("version").asInt())
                .isEqualTo(3);
        api.delete("/subjects/s/versions/3");
        assertThat(api.post("/subjects/s/versions", schemaBody(V2))
                        .json()
                        .get("id")
                        .asInt())
                .as("the same schema keeps its id")
                .isEqualTo(2);
        assertThat(api.get("/subjects/s/versions?deleted=true").json())
                .as("registering a schema again replaces its soft-deleted version, as Confluent does")
                .isEqualTo(parse("[1,3,4]"));
    }

    @Test
    void shouldListWhereASchemaIdIsRegistered() {
        api.post("/subjects/a-value/versions", schemaBody(V1));
        api.post("/subjects/b-value/versions", schemaBody(V1));
        api.delete("/subjects/b-value/versions/1");

        assertThat(api.get("/schemas/ids/1/versions").json())
                .isEqualTo(parse("[{\"subject\":\"a-value\",\"version\":1}]"));
        assertThat(api.get("/schemas/ids/1/versions?deleted=true").json())
                .isEqualTo(parse("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]"));
        assertThat(api.get("/schemas/ids/1/subjects?deleted=true").json())
                .isEqualTo(parse("[\"a-value\",\"b-value\"]"));
        assertThat(parse(api.get("/schemas/ids/1/schema").body()).get("name").asText())
                .isEqualTo("R");
        assertThat(api.get("/schemas/ids/7/versions").errorCode()).isEqualTo(40403);
        assertThat(api.get("/schemas/types").json()).isEqualTo(parse("[\"AVRO\"]"));
    }

    @Test
    void shouldAnswerReferencedByWithNoSchemasForAKnownVersion() {
        api.post("/subjects/s/versions", schemaBody(V1));

        assertThat(api.get("/subjects/s/versions/1/referencedby").json()).isEqualTo(parse("[]"));
        assertThat(api.get("/subjects/s/versions/9/referencedby").errorCode()).isEqualTo(40402);
        assertThat(api.get("/subjects/nope/versions/1/referencedby").errorCode())
                .isEqualTo(40401);
    }

    @Test
    void shouldKeepSubjectLevelsApartFromTheGlobalOne() {
        assertThat(api.get("/config/s").errorCode()).isEqualTo(40408);
        assertThat(api.get("/config/s?defaultToGlobal=true").json())
                .isEqualTo(parse("{\"compatibilityLevel\":\"BACKWARD\"}"));
        assertThat(api.put("/config/s", "{\"compatibility\":\"full_transitive\"}")
                        .json())
                .isEqualTo(parse("{\"compatibility\":\"FULL_TRANSITIVE\"}"));
        assertThat(api.get("/config/s").json()).isEqualTo(parse("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}"));
        assertThat(api.get("/config").json()).isEqualTo(parse("{\"compatibilityLevel\":\"BACKWARD\"}"));
        assertThat(api.delete("/config/s").json()).isEqualTo(parse("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}"));
        assertThat(api.get("/config/s").errorCode()).isEqualTo(40408);
        assertThat(api.delete("/config/s").errorCode()).isEqualTo(40401);
        api.put("/config", "{\"compatibility\":\"FORWARD\"}");
        assertThat(api.delete("/config").json()).isEqualTo(parse("{\"compatibilityLevel\":\"FORWARD\"}"));
        assertThat(api.get("/config").json()).isEqualTo(parse("{\"compatibilityLevel\":\"BACKWARD\"}"));
    }

    @Test
    void shouldServeTheModeReadOnly() {
        assertThat(api.get("/mode").json()).isEqualTo(parse("{\"mode\":\"READWRITE\"}"));
        assertThat(api.get("/mode/s?defaultToGlobal=true").json()).isEqualTo(parse("{\"mode\":\"READWRITE\"}"));
        assertThat(api.get("/mode/s").errorCode()).isEqualTo(40409);
        assertThat(api.put("/mode", "{\"mode\":\"READWRITE\"}").json()).isEqualTo(parse("{\"mode\":\"READWRITE\"}"));
        Answer readOnly = api.put("/mode", "{\"mode\":\"READONLY\"}");
        assertThat(readOnly.status()).isEqualTo(422);
        assertThat(readOnly.errorCode()).isEqualTo(42204);
    }

    @Test
    void shouldAnswerBadRequestsWithConfluentsErrorCodes() {
        api.post("/subjects/s/versions", schemaBody(V1));

        assertError(api.get("/subjects/nope/versions/latest"), 404, 40401);
        assertError(api.get("/subjects/s/versions/2"), 404, 40402);
        assertError(api.get("/subjects/s/versions/0"), 422, 42202);
        assertError(api.get("/subjects/s/versions/abc"), 422, 42202);
        assertError(api.delete("/subjects/s/versions/abc"), 422, 42202);
        assertError(api.get("/schemas/ids/99"), 404, 40403);
        assertError(api.post("/subjects/nope", schemaBody(V1)), 404, 40401);
        assertError(api.post("/subjects/s", schemaBody(STRING)), 404, 40403);
        assertError(api.post("/subjects/s/versions", schemaBody("{\"type\":\"nonsense\"}")), 422, 42201);
        assertError(
                api.post("/subjects/s/versions", "{\"schema\":\"\\\"string\\\"\",\"schemaType\":\"PROTOBUF\"}"),
                422,
                42201);
        assertError(api.put("/config", "{\"compatibility\":\"SOMETIMES\"}"), 422, 42203);
        assertError(api.put("/config/s", "{}"), 422, 42203);
        assertError(api.get("/no/such/endpoint"), 404, 404);
        assertError(api.put("/subjects", "{}"), 405, 405);
        assertThat(api.get("/subjects/s/versions/-1").json().get("version").asInt())
                .as("-1 means latest, as in Confluent")
                .isEqualTo(1);
    }

    @Test
    void shouldDecodeSubjectNamesAsPathSegments() {
        api.post("/subjects/a+b%20c%2Fd/versions", schemaBody(STRING));

        assertThat(api.get("/subjects").json()).isEqualTo(parse("[\"a+b c/d\"]"));
        assertThat(api.get("/subjects?subjectPrefix=a%2Bb").json()).isEqualTo(parse("[\"a+b c/d\"]"));
        assertThat(api.get("/subjects?subjectPrefix=b").json()).isEqualTo(parse("[]"));
    }

    private static void assertError(Answer answer, int status, int errorCode) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.errorCode()).as(answer.body()).isEqualTo(errorCode);
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }

    private static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}";
    }
}
