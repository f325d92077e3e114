package io.runflowkafka.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Maps a Schema Registry's error answers to exceptions that name the cause and what to do about it. */
final class RegistryErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_TEXT = 300;

    private final String credentialsSource;

    RegistryErrors(String credentialsSource) {
        this.credentialsSource = credentialsSource;
    }

    /** Maps an HTTP error answer to the exception that names its cause. */
    SchemaRegistryException of(Endpoint endpoint, Call call, int status, String body) {
        int code = 0;
        String message = null;
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null) {
                code = json.path("error_code").asInt(0);
                message =
                        json.path("message").isTextual() ? json.path("message").asText() : null;
            }
        } catch (JsonProcessingException e) {
            // Not the registry's JSON error body (a proxy's HTML page, say): the raw text below says what there is.
        }
        String said = message != null ? " (registry said: " + truncate(message) + ")" : errorText(body);
        String at = " at " + endpoint.display;
        switch (status) {
            case 401:
                return new SchemaRegistryAuthException(
                        "Schema Registry" + at + " refused the credentials (HTTP 401) to " + call.what()
                                + said + ": "
                                + (endpoint.authorization == null
                                        ? "no credentials were sent; set "
                                                + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO and "
                                                + SchemaRegistryConfig.BASIC_AUTH_USER_INFO
                                                + ", or put user:password in the URL"
                                        : "check the credentials (" + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE
                                                + "=" + credentialsSource + ")"),
                        status,
                        code);
            case 403:
                return new SchemaRegistryAuthException(
                        "Schema Registry" + at + " denied permission (HTTP 403) to " + call.what() + said
                                + ": grant the principal access to "
                                + (call.subject() != null ? "subject '" + call.subject() + "'" : "the schema")
                                + (call.what().startsWith("register")
                                        ? ", or register the schema beforehand and set "
                                                + SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS + "=false"
                                        : ""),
                        status,
                        code);
            case 409:
                return new IncompatibleSchemaException(
                        "Schema Registry" + at + " refused to " + call.what()
                                + " as incompatible with the subject's earlier versions (HTTP 409"
                                + (code != 0 ? ", error " + code : "") + ")"
                                + said
                                + ". Make the change compatible with the subject's compatibility level (BACKWARD by default: add new"
                                + " fields with defaults, remove none without one), or change that level deliberately.",
                        code == 0 ? 409 : code);
            case 422:
                return new InvalidSchemaException(
                        "Schema Registry" + at + " rejected the request to " + call.what() + " as invalid (HTTP 422"
                                + (code != 0 ? ", error " + code : "") + ")" + said,
                        code == 0 ? 422 : code);
            default:
                break;
        }
        if (code == SubjectNotFoundException.ERROR_CODE) {
            return new SubjectNotFoundException(
                    "Subject '" + call.subject() + "' not found in Schema Registry" + at
                            + " (error 40401): nothing is registered for it yet; register the schema ("
                            + SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS
                            + "=true) or check the topic name",
                    status);
        }
        if (code == SchemaNotFoundException.ERROR_CODE) {
            return new SchemaNotFoundException(
                    call.id() != null
                            ? "Schema id " + call.id() + " not found in Schema Registry" + at
                                    + " (error 40403): the data was written against"
                                    + " another registry, or the schema was deleted"
                            : "Schema " + call.schemaName() + " is not registered under subject '" + call.subject()
                                    + "' in Schema Registry" + at + " (error 40403): register it first, or set "
                                    + SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS + "=true",
                    status);
        }
        if (status == 404 && code == 0) {
            return new SchemaRegistryException(
                    "Schema Registry" + at + " answered HTTP 404 without a registry error code to " + call.what() + said
                            + ": does the URL (including its path) point at a Schema Registry API?",
                    status,
                    code);
        }
        return new SchemaRegistryException(
                "Schema Registry" + at + " failed to " + call.what() + " (HTTP " + status
                        + (code != 0 ? ", error " + code : "") + ")" + said,
                status,
                code);
    }

    static String errorText(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        return ": " + truncate(body.strip());
    }

    private static String truncate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_ERROR_TEXT ? oneLine : oneLine.substring(0, MAX_ERROR_TEXT) + "...";
    }
}
