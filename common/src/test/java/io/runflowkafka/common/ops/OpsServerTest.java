package io.runflowkafka.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private final Health health = new Health();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start("127.0.0.1", 0, health, registry);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldReportNotReadyWithTheReasonUntilEveryComponentIsUp() throws Exception {
        health.up("kafka", "connected");
        health.down("runflow", "401 from Runflow: check runflow.api-key");

        HttpResponse<String> notReady = get("/health/ready");
        health.up("runflow", "scoring");
        HttpResponse<String> ready = get("/health/ready");

        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("401 from Runflow: check runflow.api-key", "\"status\":\"DOWN\"");
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldStayLiveWhileNotReadyAndDieOnAFatalComponent() throws Exception {
        health.down("kafka", "connecting");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        health.fatal("streams", "stream thread died");
        assertThat(get("/health/live").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldServePrometheusMetrics() throws Exception {
        registry.counter("uploads.scored", "decision", "accepted").increment(3);

        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("uploads_scored_total{decision=\"accepted\"} 3.0");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
