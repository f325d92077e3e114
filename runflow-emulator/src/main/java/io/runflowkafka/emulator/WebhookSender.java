package io.runflowkafka.emulator;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers callbacks like a real webhook sender: POST JSON, success only on 2xx, otherwise retry with
 * exponential backoff up to a cap, every attempt recorded in the counters. When a signing secret is
 * configured each attempt carries Standard Webhooks headers ({@code webhook-id} stable across retries,
 * {@code webhook-timestamp}, {@code webhook-signature} v1).
 */
final class WebhookSender {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    /** How the sender retries. */
    record RetrySchedule(Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration attemptTimeout) {}

    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final RetrySchedule schedule;
    private final Webhook signer;
    private final EmulatorCounters counters;
    private final Clock clock;

    WebhookSender(
            HttpClient http,
            ScheduledExecutorService scheduler,
            RetrySchedule schedule,
            Webhook signer,
            EmulatorCounters counters,
            Clock clock) {
        this.http = http;
        this.scheduler = scheduler;
        this.schedule = schedule;
        this.signer = signer;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * Sends one callback, retrying until delivered or out of attempts.
     *
     * @return true once delivered, false when abandoned
     */
    CompletableFuture<Boolean> deliver(String event, String jobId, String callbackUrl, byte[] body) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        attempt(event, jobId, URI.create(callbackUrl), body, "msg_" + event + "_" + jobId, 1, outcome);
        return outcome;
    }

    private void attempt(
            String event,
            String jobId,
            URI target,
            byte[] body,
            String messageId,
            int attempt,
            CompletableFuture<Boolean> outcome) {
        Request request = http.newRequest(target)
                .method("POST")
                .timeout(schedule.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", body));
        if (signer != null) {
            long timestamp = clock.instant().getEpochSecond();
            try {
                String signature = signer.sign(messageId, timestamp, new String(body, StandardCharsets.UTF_8));
                request.headers(h -> h.put("webhook-id", messageId)
                        .put("webhook-timestamp", Long.toString(timestamp))
                        .put("webhook-signature", signature));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("cannot sign the callback", e);
            }
        }
        request.headers(h -> h.put(HttpHeader.USER_AGENT, "runflow-emulator"));
        String host = target.getHost() + ":" + target.getPort();
        request.send(new BufferingResponseListener(64 * 1024) {
            @Override
            public void onComplete(Result result) {
                int status =
                        result.getResponse() == null ? 0 : result.getResponse().getStatus();
                boolean delivered = !result.isFailed() && status >= 200 && status < 300;
                counters.callbackAttempt(new CallbackAttempt(
                        event, jobId, host, attempt, result.isFailed() ? 0 : status, delivered, clock.instant()));
                if (delivered) {
                    LOG.info("{} for {} delivered on attempt {} (HTTP {})", event, jobId, attempt, status);
                    outcome.complete(true);
                    return;
                }
                String why = result.isFailed() ? result.getFailure().getClass().getSimpleName() : "HTTP " + status;
                if (attempt >= schedule.maxAttempts()) {
                    counters.callbacksAbandoned.increment();
                    LOG.warn("{} for {} abandoned after {} attempts, last: {}", event, jobId, attempt, why);
                    outcome.complete(false);
                    return;
                }
                Duration delay = backoff(attempt);
                LOG.info(
                        "{} for {} attempt {} failed ({}), retrying in {} ms",
                        event,
                        jobId,
                        attempt,
                        why,
                        delay.toMillis());
                try {
                    scheduler.schedule(
                            () -> attempt(event, jobId, target, body, messageId, attempt + 1, outcome),
                            delay.toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    outcome.complete(false);
                }
            }
        });
    }

    private Duration backoff(int attempt) {
        long millis = schedule.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, schedule.maxBackoff().toMillis()));
    }
}
