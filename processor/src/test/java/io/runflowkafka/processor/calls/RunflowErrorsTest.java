package io.runflowkafka.processor.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runflowkafka.client.ForbiddenException;
import io.runflowkafka.client.InvalidRequestException;
import io.runflowkafka.client.RateLimitedException;
import io.runflowkafka.client.ServerErrorException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunflowErrorsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldRegisterEveryReasonAtZeroBeforeAnyError() {
        new RunflowErrors(registry, "score");

        assertThat(registry.find("runflow.calls.errors").tag("call", "score").counters())
                .hasSize(RunflowErrors.REASONS.size())
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }

    @Test
    void shouldCountEachFailedAttemptUnderItsReason() {
        RunflowErrors errors = new RunflowErrors(registry, "generate_headshots");

        errors.record(new RateLimitedException("429", Duration.ofSeconds(1)));
        errors.record(new RateLimitedException("429", null));
        errors.record(new ServerErrorException("503", 503, null));
        errors.record(new InvalidRequestException("422", 422, "bad image"));
        errors.record(new ForbiddenException("403"));
        errors.record(new IllegalStateException("a bug"));

        assertThat(count("rate_limited")).isEqualTo(2);
        assertThat(count("server_error")).isEqualTo(1);
        assertThat(count("invalid_request")).isEqualTo(1);
        assertThat(count("forbidden")).isEqualTo(1);
        assertThat(count("other")).isEqualTo(1);
        assertThat(count("timeout")).isZero();
    }

    private double count(String reason) {
        return registry.get("runflow.calls.errors")
                .tags("call", "generate_headshots", "reason", reason)
                .counter()
                .count();
    }
}
