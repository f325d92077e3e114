package io.runflowkafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.SchemaRegistryException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * One request to the registry API as its resources read it: the path's parameters (decoded), the query and the JSON
 * body. Malformed input is answered with Confluent's 422 error codes.
 */
record ApiRequest(List<String> params, Map<String, String> query, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The path parameter at {@code index}, in the order the route's template names them. */
    String param(int index) {
        // In a path '+' is a plus sign, not a space as in a form.
        return URLDecoder.decode(params.get(index).replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A boolean query parameter, true only for "true" (any case), as JAX-RS reads it. */
    boolean flag(String name) {
        return "true".equalsIgnoreCase(query.get(name));
    }

    /**
     * The version at path parameter {@code index}: a number from 1 or "latest" ({@link InMemorySchemaRegistry#LATEST},
     * also for -1 as in Confluent); anything else is error 42202.
     */
    int version(int index) {
        String text = param(index).trim();
        if ("latest".equalsIgnoreCase(text)) {
            return InMemorySchemaRegistry.LATEST;
        }
        try {
            int version = Integer.parseInt(text);
            if (version > 0 || version == InMemorySchemaRegistry.LATEST) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new SchemaRegistryException(
                "The specified version '" + text + "' is not a valid version id. Allowed values are between [1, 2^31-1]"
                        + " and the string \"latest\"",
                422,
                42202);
    }

    /** The body as JSON, or error {@code errorCode} (422) when it is not a JSON object. */
    JsonNode json(int errorCode) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new SchemaRegistryException("request body is not a JSON object", 422, errorCode);
    }

    /**
     * The Avro schema of a register, look-up or compatibility request ({@code {"schema": "..."}}); error 42201 when it
     * is missing, not Avro, has references (not supported here) or does not parse.
     */
    Schema schema() {
        JsonNode node = json(42201);
        JsonNode schema = node.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw invalidSchema("request body needs a \"schema\" string");
        }
        JsonNode type = node.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw invalidSchema("only AVRO schemas are supported by the local registry, not " + type.asText());
        }
        JsonNode references = node.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw invalidSchema("schema references are not supported by the local registry");
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (SchemaParseException e) {
            throw invalidSchema("Invalid schema: " + e.getMessage());
        } catch (RuntimeException e) {
            // Avro 1.12 throws a NullPointerException for an undefined type name ("type": "nonsense").
            throw invalidSchema("Invalid schema: it uses a type name that is not defined (" + e.getMessage() + ")");
        }
    }

    private static SchemaRegistryException invalidSchema(String message) {
        return new SchemaRegistryException(message, 422, 42201);
    }
}
