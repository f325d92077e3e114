package io.runflowkafka.common.trace;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka record headers as an OpenTelemetry text map, so that W3C trace context ({@code traceparent},
 * {@code tracestate}) travels as record headers: UTF-8 values, the last header of a name wins on read, and a write
 * replaces every earlier header of its name (a record copied from its input never carries two parents).
 */
public final class KafkaHeaders {

    /** Reads trace context from record headers. */
    public static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header header : headers) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    /** Writes trace context into record headers, replacing what was there under the same names. */
    public static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        if (headers == null) {
            return;
        }
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private KafkaHeaders() {}
}
