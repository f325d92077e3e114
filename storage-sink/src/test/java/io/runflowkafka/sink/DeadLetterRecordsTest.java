package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {

    @Test
    void shouldKeepTheOriginalBytesAndHeadersAndSayWhatFailedWhere() {
        byte[] key = "7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10".getBytes(StandardCharsets.UTF_8);
        byte[] value = {0, 0, 0, 0, 1, 2, 3};
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>(
                "headshots.completed",
                4,
                1234L,
                0L,
                TimestampType.CREATE_TIME,
                key.length,
                value.length,
                key,
                value,
                headers,
                Optional.empty());

        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(
                "headshots.completed.dlq",
                source,
                new Outcome.DeadLetter(Stage.EXPIRED, "job x lost 60 of 60 images"),
                Instant.parse("2026-11-21T10:00:00Z"));

        assertThat(dead.topic()).isEqualTo("headshots.completed.dlq");
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(value);
        assertThat(header(dead, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(header(dead, DeadLetterHeaders.STAGE)).isEqualTo("expired");
        assertThat(header(dead, DeadLetterHeaders.EXCEPTION)).isEqualTo("UrlsExpired");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).isEqualTo("job x lost 60 of 60 images");
        assertThat(header(dead, DeadLetterHeaders.TOPIC)).isEqualTo("headshots.completed");
        assertThat(header(dead, DeadLetterHeaders.PARTITION)).isEqualTo("4");
        assertThat(header(dead, DeadLetterHeaders.OFFSET)).isEqualTo("1234");
        assertThat(header(dead, DeadLetterHeaders.FAILED_AT)).isEqualTo("2026-11-21T10:00:00Z");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
