package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://cdn.runflow.io/headshots/out_001.jpg",
                "HTTPS://CDN.RUNFLOW.IO/a.png",
                "https://cdn.runflow.io:8443/a.webp?sig=abc&exp=1700000000",
                "https://[2001:db8::1]/a.jpg"
            })
    void shouldAcceptAbsoluteHttpsUrls(String url) {
        assertThat(Fields.isHttpsUrl(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "http://cdn.runflow.io/a.jpg",
                "ftp://cdn.runflow.io/a.jpg",
                "https://",
                "https:///a.jpg",
                "https:cdn.runflow.io/a.jpg",
                "//cdn.runflow.io/a.jpg",
                "/a.jpg",
                "https://user:pw@cdn.runflow.io/a.jpg",
                "https://cdn.runflow.io/a b.jpg",
                "https://cdn.runflow.io/caf\u00e9.jpg",
                "https://cdn.run_flow.io/a.jpg",
                "javascript:alert(1)",
                "https://cdn.runflow.io/\u0000.jpg",
                "https://cdn.runflow.io/%zz"
            })
    void shouldRefuseAnythingElse(String url) {
        assertThat(Fields.isHttpsUrl(url)).isFalse();
    }
}
