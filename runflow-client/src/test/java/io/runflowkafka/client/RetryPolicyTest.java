package io.runflowkafka.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private static RetryPolicy.Builder noJitter() {
        return RetryPolicy.builder()
                .jitter(0)
                .initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofSeconds(1))
                .multiplier(2)
                .maxAttempts(10)
                .maxTotalTime(Duration.ofMinutes(1));
    }

    @Test
    void shouldBackOffExponentiallyUpToTheCeiling() {
        RetryPolicy policy = noJitter().build();
        ServerErrorException failure = new ServerErrorException("500", 500, null);

        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 6; attempt++) {
            delays.add(policy.nextDelay(attempt, failure, Duration.ZERO).orElseThrow());
        }

        assertThat(delays).extracting(Duration::toMillis).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    }

    @Test
    void shouldShortenDelaysByAtMostTheJitterFraction() {
        RetryPolicy low = noJitter().jitter(0.5).random(() -> 0.999_999).build();
        RetryPolicy high = noJitter().jitter(0.5).random(() -> 0.0).build();
        RunflowTimeoutException failure = new RunflowTimeoutException("t", RunflowTimeoutException.Kind.IDLE, null);

        assertThat(low.nextDelay(2, failure, Duration.ZERO).orElseThrow().toMillis())
                .isBetween(100L, 101L);
        assertThat(high.nextDelay(2, failure, Duration.ZERO).orElseThrow()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void shouldWaitExactlyAsRetryAfterSaysEvenBeyondTheBackoffCeiling() {
        RetryPolicy policy = noJitter().build();

        assertThat(policy.nextDelay(1, new RateLimitedException("429", Duration.ofSeconds(7)), Duration.ZERO))
                .contains(Duration.ofSeconds(7));
        assertThat(policy.nextDelay(1, new ServerErrorException("503", 503, Duration.ofSeconds(3)), Duration.ZERO))
                .contains(Duration.ofSeconds(3));
        assertThat(policy.nextDelay(1, new RateLimitedException("429", null), Duration.ZERO))
                .contains(Duration.ofMillis(100));
    }

    @Test
    void shouldNeverRetryAuthenticationOrInvalidRequests() {
        RetryPolicy policy = noJitter().build();

        assertThat(policy.nextDelay(1, new UnauthorizedException("401"), Duration.ZERO))
                .isEmpty();
        assertThat(policy.nextDelay(1, new ForbiddenException("403"), Duration.ZERO))
                .isEmpty();
        assertThat(policy.nextDelay(1, new InvalidRequestException("422", 422, "bad image"), Duration.ZERO))
                .isEmpty();
        assertThat(policy.nextDelay(1, new IllegalStateException("bug"), Duration.ZERO))
                .isEmpty();
        assertThat(policy.nextDelay(1, new ServerErrorException("501", 501, null), Duration.ZERO))
                .isEmpty();
    }

    @Test
    void shouldStopAtTheAttemptAndTotalTimeCaps() {
        RetryPolicy policy =
                noJitter().maxAttempts(3).maxTotalTime(Duration.ofSeconds(10)).build();
        ConnectionFailedException failure = new ConnectionFailedException("refused", null);

        assertThat(policy.nextDelay(2, failure, Duration.ZERO)).isPresent();
        assertThat(policy.nextDelay(3, failure, Duration.ZERO)).isEmpty();
        assertThat(policy.nextDelay(1, failure, Duration.ofMillis(9_950))).isEmpty();
        assertThat(policy.nextDelay(1, new RateLimitedException("429", Duration.ofSeconds(11)), Duration.ZERO))
                .isEmpty();
    }

    @Test
    void shouldUnwrapCompletionExceptions() {
        RetryPolicy policy = noJitter().build();

        assertThat(policy.nextDelay(
                        1,
                        new CompletionException(new RateLimitedException("429", Duration.ofSeconds(2))),
                        Duration.ZERO))
                .contains(Duration.ofSeconds(2));
        assertThat(policy.isRetryable(new CompletionException(new UnauthorizedException("401"))))
                .isFalse();
    }

    @Test
    void shouldRetryTransientFailuresUntilTheCallSucceeds() {
        RetryPolicy policy = noJitter()
                .initialBackoff(Duration.ofMillis(5))
                .maxBackoff(Duration.ofMillis(20))
                .build();
        AtomicInteger calls = new AtomicInteger();
        List<Integer> retried = new ArrayList<>();

        CompletableFuture<String> result = policy.execute(
                () -> calls.incrementAndGet() < 3
                        ? CompletableFuture.failedFuture(new ServerErrorException("503", 503, null))
                        : CompletableFuture.completedFuture("ok"),
                scheduler,
                (attempt, failure, delay) -> retried.add(attempt));

        assertThat(result).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(retried).containsExactly(1, 2);
    }

    @Test
    void shouldFailWithTheLastFailureWithoutRetryingANonRetryableOne() {
        RetryPolicy policy = noJitter().initialBackoff(Duration.ofMillis(5)).build();
        AtomicInteger calls = new AtomicInteger();

        CompletableFuture<String> result = policy.execute(
                () -> {
                    calls.incrementAndGet();
                    return CompletableFuture.failedFuture(new ForbiddenException("403 read-only key"));
                },
                scheduler);

        assertThat(result)
                .failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(ForbiddenException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldGiveUpAfterMaxAttempts() {
        RetryPolicy policy =
                noJitter().initialBackoff(Duration.ofMillis(1)).maxAttempts(4).build();
        AtomicInteger calls = new AtomicInteger();

        CompletableFuture<String> result = policy.execute(
                () -> {
                    calls.incrementAndGet();
                    throw new ConnectionFailedException("refused", null);
                },
                scheduler);

        assertThat(result)
                .failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(ConnectionFailedException.class);
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldRejectInconsistentSettings() {
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder()
                        .initialBackoff(Duration.ofMinutes(5))
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
