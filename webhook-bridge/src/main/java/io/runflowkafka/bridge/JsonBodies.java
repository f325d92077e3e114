package io.runflowkafka.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads untrusted callback bodies: strict UTF-8, one JSON object, bounded depth and sizes, no duplicate keys. */
final class JsonBodies {

    /** Callbacks are flat; anything deeper is not a Runflow payload and only costs parsing time. */
    static final int MAX_DEPTH = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(64)
                            .maxNameLength(1_024)
                            .build())
                    // Two values for one key would let the signed bytes and the stored event disagree on what was said.
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {}

    /**
     * Decodes the body as UTF-8, refusing malformed sequences: then the text re-encodes to exactly the received
     * bytes, which is what a Standard Webhooks signature covers.
     */
    static String utf8(byte[] body) throws InvalidPayloadException {
        String text = new String(body, StandardCharsets.UTF_8);
        // Malformed input decodes to U+FFFD here, so only a text holding one needs the strict decoder's verdict.
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPayloadException("body", "is not valid UTF-8");
        }
    }

    /** Parses the text as exactly one JSON object. */
    static ObjectNode object(String text) throws InvalidPayloadException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new InvalidPayloadException(
                    "body",
                    "exceeds the JSON limits (nesting depth " + MAX_DEPTH
                            + ", numbers of 64 digits, names of 1024 characters)");
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input, so it is not passed on.
            throw new InvalidPayloadException("body", "is not valid JSON (one object, no duplicate keys)");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidPayloadException("body", "must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** The mapper that writes JSON text, e.g. a run's output object. */
    static ObjectMapper mapper() {
        return MAPPER;
    }
}
