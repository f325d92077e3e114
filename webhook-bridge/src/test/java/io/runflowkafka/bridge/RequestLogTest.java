package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLogTest {

    @Test
    void shouldCutEverythingAfterTheJobReferenceOutOfWebhookPaths() {
        assertThat(RequestLog.redact("/webhooks/runflow/headshots/job-1/s3cr3tT0k3n"))
                .isEqualTo("/webhooks/runflow/headshots/job-1/[redacted]");
        assertThat(RequestLog.redact("/webhooks/runflow/runs/job-1/s3cr3tT0k3n/extra/segments"))
                .isEqualTo("/webhooks/runflow/runs/job-1/[redacted]");
        assertThat(RequestLog.redact("/webhooks/runflow/headshots/job-1"))
                .isEqualTo("/webhooks/runflow/headshots/job-1");
    }

    @Test
    void shouldLogNothingOfPathsOutsideTheKnownRoutes() {
        assertThat(RequestLog.redact("/metrics")).isEqualTo("/metrics");
        assertThat(RequestLog.redact("/health/ready")).isEqualTo("/health/ready");
        assertThat(RequestLog.redact("/elsewhere/s3cr3tT0k3n")).isEqualTo("[other path]");
    }

    @Test
    void shouldNeutraliseControlCharactersAndCutLongPaths() {
        assertThat(RequestLog.redact("/webhooks/x\r\nFAKE LOG LINE")).isEqualTo("/webhooks/x??FAKE LOG LINE");
        assertThat(RequestLog.redact("/webhooks/" + "a".repeat(500)))
                .hasSize(203)
                .endsWith("...");
        assertThat(RequestLog.redact(null)).isEmpty();
    }
}
