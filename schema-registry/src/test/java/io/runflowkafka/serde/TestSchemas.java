package io.runflowkafka.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.Schema;

/** Loads the test schemas under {@code serde/} and builds the registry configuration maps the tests use. */
final class TestSchemas {

    private TestSchemas() {}

    static Schema load(String resource) {
        try (InputStream in = TestSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> mockConfig(String scope) {
        return Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, SchemaRegistryConfig.MOCK_URL_PREFIX + scope);
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
