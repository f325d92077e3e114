package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void shouldFinishARequestInFlightBeforeStoppingAndRefuseNewOnes() throws Exception {
        BridgeHarness bridge = BridgeHarness.manual(Duration.ofSeconds(30));
        try {
            String url = bridge.callbackUrl("headshots", "job-1");
            CompletableFuture<HttpResponse<String>> inFlight =
                    bridge.postAsync(url, headshotsBody("0b7e2a8c-4b7d-4c1e-9a3f-5d6e7f809a1b", 60));
            await("the callback to wait for Kafka")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> bridge.producer.history().size() == 1);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(bridge.app::stop);
            await("the stopping server to refuse new callbacks")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        try {
                            return bridge.post(url, headshotsBody("1b7e2a8c-4b7d-4c1e-9a3f-5d6e7f809a1b", 1))
                                            .statusCode()
                                    == 503;
                        } catch (IOException refused) {
                            return true;
                        }
                    });
            assertThat(stopping).as("stop waits for the request in flight").isNotDone();
            assertThat(inFlight).isNotDone();

            bridge.producer.completeNext();

            assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            stopping.get(10, TimeUnit.SECONDS);
            assertThat(bridge.producer.history())
                    .as("the refused callbacks never reached Kafka")
                    .hasSize(1);
        } finally {
            bridge.close();
        }
    }
}
