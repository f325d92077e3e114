package io.runflowkafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/** Field checks shared by the callback parsers; each failure names the field and never echoes its value. */
final class Fields {

    /** Canonical 8-4-4-4-12 form only: {@code UUID.fromString} also takes {@code 1-2-3-4-5} and non-ASCII digits. */
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Fields() {}

    /** The field as a string; missing, null, or not a string is an error. */
    static String requiredString(ObjectNode json, String field) throws InvalidPayloadException {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidPayloadException(field, "is required");
        }
        if (!node.isTextual()) {
            throw new InvalidPayloadException(field, "must be a string");
        }
        return node.textValue();
    }

    /** The field as a string, or null when absent or JSON null; another type is an error. */
    static String optionalString(ObjectNode json, String field, int maxLength) throws InvalidPayloadException {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidPayloadException(field, "must be a string");
        }
        String value = node.textValue();
        if (value.length() > maxLength) {
            throw new InvalidPayloadException(field, "must be at most " + maxLength + " characters");
        }
        return value;
    }

    /** The field as a canonical UUID string, kept as sent (upper or lower case). */
    static String uuid(ObjectNode json, String field) throws InvalidPayloadException {
        String value = requiredString(json, field);
        if (!UUID.matcher(value).matches()) {
            throw new InvalidPayloadException(field, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
        }
        return value;
    }

    /** True for an absolute https URL with a host, no user info, in printable ASCII, of sane length. */
    static boolean isHttpsUrl(String value) {
        return new HttpsUrls().accepts(value);
    }
}
