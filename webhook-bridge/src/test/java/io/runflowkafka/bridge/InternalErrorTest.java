package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runflowkafka.callbacks.CallbackTokens;
import io.runflowkafka.common.ops.Health;
import io.runflowkafka.common.trace.Tracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** A fault of the bridge itself (here a parser bug) is a 500 that says nothing about the request or the fault. */
class InternalErrorTest {

    @Test
    void shouldAnswerAnUnexpectedFailureWith500AndAGenericBody() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BridgeMetrics metrics = new BridgeMetrics(registry);
        CallbackTokens tokens = CallbackTokens.of(BridgeHarness.CALLBACK_SECRET);
        CallbackParser broken = callback -> {
            throw new IllegalStateException("bug with a detail that must not leak");
        };
        EventPublisher unused = new EventPublisher() {
            @Override
            public CompletableFuture<RecordMetadata> publish(OutgoingEvent event) {
                throw new AssertionError("never reached");
            }

            @Override
            public void close() {}
        };
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        CallbackHandler handler = new CallbackHandler(
                "headshots",
                broken,
                tokens,
                SignatureVerifier.disabled(),
                unused,
                metrics,
                threads,
                Clock.systemUTC(),
                BridgeHarness.limits(Duration.ofSeconds(1)),
                Tracing.propagateOnly(BridgeConfig.SERVICE_NAME));
        Health health = new Health();
        Javalin app = BridgeRoutes.create(
                handler,
                handler,
                metrics,
                health,
                registry,
                new BridgeSettings.Server("127.0.0.1", 0, 16, Duration.ofSeconds(5), false),
                BridgeHarness.limits(Duration.ofSeconds(1)),
                threads);
        // 5 s to stop: Jetty closes idle keep-alive connections about 1 s into a graceful stop.
        app.start("127.0.0.1", 0);
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            tokens.callbackUrl("http://127.0.0.1:" + app.port(), "headshots", "job-1")))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(answer.body())
                    .isEqualTo("{\"error\":\"internal_error\",\"message\":\"the bridge failed; retry later\"}");
            assertThat(metrics.count("headshots", BridgeMetrics.Outcome.ERROR)).isEqualTo(1);
        } finally {
            app.stop();
        }
    }
}
