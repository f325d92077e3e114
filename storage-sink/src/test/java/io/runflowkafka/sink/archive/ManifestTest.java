package io.runflowkafka.sink.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {

    @Test
    void shouldRoundTripThroughSnakeCaseJson() throws Exception {
        Manifest manifest = new Manifest(
                Manifest.VERSION,
                "7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10",
                "job-1",
                "delivery-1",
                "file:///data/archive",
                "2026-11-21T10:00:00Z",
                "2026-11-22T09:55:00Z",
                new Manifest.Source("headshots.completed", 2, 17),
                3,
                List.of(new Manifest.Image(
                        1,
                        "https://cdn.runflow.io/a.jpg",
                        "headshots/x/001.jpg",
                        3,
                        "ab",
                        "image/jpeg",
                        "2026-11-21T09:59:59Z")),
                Map.of("k", "v"));

        byte[] json = manifest.toJson();

        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains(
                        "\"headshots_id\"",
                        "\"source_url\"",
                        "\"size_bytes\"",
                        "\"sha256\"",
                        "\"content_type\"",
                        "\"archived_at\"",
                        "\"total_bytes\"");
        assertThat(Manifest.fromJson(json)).isEqualTo(manifest);
    }
}
