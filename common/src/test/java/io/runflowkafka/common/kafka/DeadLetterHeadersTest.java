package io.runflowkafka.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

    @Test
    void shouldAddEveryKnownFactBesideTheRecordsOwnHeaders() {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));

        DeadLetterHeaders.add(
                headers,
                new DeadLetterHeaders.Failure(
                        "storage-sink",
                        "expired",
                        "UrlsExpired",
                        "job lost 60 of 60 images",
                        null,
                        "headshots.completed",
                        4,
                        1234,
                        Instant.parse("2026-12-07T10:00:00Z")));

        assertThat(DeadLetterHeaders.text(headers, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.SERVICE)).isEqualTo("storage-sink");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.STAGE)).isEqualTo("expired");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo("UrlsExpired");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.MESSAGE)).isEqualTo("job lost 60 of 60 images");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.TOPIC)).isEqualTo("headshots.completed");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.PARTITION)).isEqualTo("4");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.OFFSET)).isEqualTo("1234");
        assertThat(DeadLetterHeaders.text(headers, DeadLetterHeaders.FAILED_AT)).isEqualTo("2026-12-07T10:00:00Z");
        assertThat(headers.lastHeader(DeadLetterHeaders.ATTEMPTS))
                .as("unknown: left out")
                .isNull();
    }

    @Test
    void shouldFindTheSourceTopicInTheSharedHeaderOrInTheSinksOlderOne() {
        Headers current = DeadLetterHeaders.add(
                new RecordHeaders(),
                new DeadLetterHeaders.Failure(
                        "processor", "deserialize", "SerializationException", "bad", 0, "photos.uploaded", 0, 1, null));
        Headers older = new RecordHeaders();
        older.add("dlq.source.topic", "headshots.completed".getBytes(StandardCharsets.UTF_8));

        assertThat(DeadLetterHeaders.sourceTopic(current)).contains("photos.uploaded");
        assertThat(DeadLetterHeaders.sourceTopic(older)).contains("headshots.completed");
        assertThat(DeadLetterHeaders.sourceTopic(new RecordHeaders())).isEmpty();
    }

    @Test
    void shouldReadAnOlderSinkDeadLetterUnderItsOldNames() {
        Headers older = new RecordHeaders();
        older.add("dlq.error.stage", "expired".getBytes(StandardCharsets.UTF_8));
        older.add("dlq.error.message", "job lost 60 of 60 images".getBytes(StandardCharsets.UTF_8));
        older.add("dlq.failed.at", "2026-12-06T10:00:00Z".getBytes(StandardCharsets.UTF_8));

        assertThat(DeadLetterHeaders.read(older, DeadLetterHeaders.STAGE)).isEqualTo("expired");
        assertThat(DeadLetterHeaders.read(older, DeadLetterHeaders.MESSAGE)).isEqualTo("job lost 60 of 60 images");
        assertThat(DeadLetterHeaders.read(older, DeadLetterHeaders.FAILED_AT)).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(DeadLetterHeaders.read(older, DeadLetterHeaders.ATTEMPTS)).isNull();
    }
}
