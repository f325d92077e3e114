package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBodiesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {"{\"a\":\"plain ASCII\"}", "{\"a\":\"caf\u00e9 \u4e2d \ud83d\ude00\"}", "{\"a\":\"\ufffd\"}", ""
            })
    void shouldDecodeValidUtf8ToTheSameText(String text) throws InvalidPayloadException {
        assertThat(JsonBodies.utf8(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ED A0 80", // a lone surrogate
                "C0 AF", // an overlong '/'
                "E2 82", // a truncated sequence
                "FF",
                "F4 90 80 80", // past U+10FFFF
                "EF BF BD C3 28" // a real U+FFFD, then a malformed pair: the replacement character proves nothing
            })
    void shouldRefuseMalformedUtf8(String hex) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"a\":\"".getBytes(StandardCharsets.US_ASCII));
        for (String octet : hex.split(" ")) {
            body.write(Integer.parseInt(octet, 16));
        }
        body.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> JsonBodies.utf8(body.toByteArray()))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("is not valid UTF-8");
    }
}
