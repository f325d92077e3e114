package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Callback tokens and secrets appear in no log line, metric or error body, whatever the outcome. */
class SecretsNotLeakedTest {

    private static final String HEADSHOTS_ID = "3f1e2a8c-4b7d-4c1e-9a3f-5d6e7f809a1b";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> raised = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();

    @BeforeEach
    void capture() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.start();
        root.addAppender(appender);
        // The bridge's and Javalin's own debug lines too: they must be as clean as the info ones.
        for (String name : List.of("io.runflowkafka", "io.javalin")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            raised.add(logger);
            levels.add(logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        for (int i = 0; i < raised.size(); i++) {
            raised.get(i).setLevel(levels.get(i));
        }
    }

    @Test
    void shouldKeepTokensAndSecretsOutOfLogsMetricsAndErrorBodies() throws Exception {
        List<String> seen = new ArrayList<>();
        String token;
        try (BridgeHarness bridge = BridgeHarness.manual(Duration.ofMillis(200))) {
            String url = bridge.callbackUrl("headshots", "job-secret");
            token = url.substring(url.lastIndexOf('/') + 1);
            byte[] body = headshotsBody(HEADSHOTS_ID, 2).getBytes(StandardCharsets.UTF_8);
            seen.add(bridge.post(url, headshotsBody(HEADSHOTS_ID, 2)).body()); // 503: never acknowledged
            seen.add(bridge.post(url, "text/plain", body, Map.of()).body()); // 415
            seen.add(bridge.post(url, "{\"event\":1}").body()); // 400
            seen.add(bridge.postOversized(url, new byte[2_000_000]).body()); // 413
            seen.add(bridge.post(
                            bridge.base() + "/webhooks/runflow/headshots/job-other/" + token,
                            headshotsBody(HEADSHOTS_ID, 2))
                    .body()); // 401
            seen.add(bridge.post(bridge.base() + "/elsewhere/" + token, "{}").body()); // 404
            seen.add(bridge.get("/metrics").body());
        }
        try (BridgeHarness signed = BridgeHarness.signed(BridgeHarness.SIGNING_SECRET)) {
            HttpResponse<String> unsigned =
                    signed.post(signed.callbackUrl("headshots", "job-secret"), headshotsBody(HEADSHOTS_ID, 2));
            assertThat(unsigned.statusCode()).isEqualTo(401);
            seen.add(unsigned.body());
        }
        for (ILoggingEvent event : appender.list) {
            seen.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                seen.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }

        assertThat(appender.list).as("the requests were logged at all").isNotEmpty();
        assertThat(String.join("\n", seen))
                .contains("/webhooks/runflow/headshots/job-secret/[redacted]")
                .doesNotContain(token)
                .doesNotContain(BridgeHarness.CALLBACK_SECRET)
                .doesNotContain(BridgeHarness.OLD_CALLBACK_SECRET)
                .doesNotContain(BridgeHarness.SIGNING_SECRET.substring("whsec_".length()));
    }
}
