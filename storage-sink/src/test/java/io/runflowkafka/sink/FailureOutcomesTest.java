package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureOutcomesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FailureOutcomes outcomes = new FailureOutcomes(new SinkMetrics(registry));

    private static Map<Integer, ImageFailure> failures(ImageFailure... failures) {
        Map<Integer, ImageFailure> byIndex = new LinkedHashMap<>();
        for (int i = 0; i < failures.length; i++) {
            byIndex.put(i + 1, failures[i]);
        }
        return byIndex;
    }

    @Test
    void shouldRetryWhenEveryFailureIsTransientAndSayWhenTheArchiveFailed() {
        assertThat(outcomes.failed("job", 60, failures(new ImageFailure(Stage.DOWNLOAD, true, "HTTP 503"))))
                .isEqualTo(new Outcome.Retry(Stage.DOWNLOAD, "job job: 1 of 60 images not archived yet; HTTP 503"));
        assertThat(outcomes.failed(
                        "job",
                        60,
                        failures(
                                new ImageFailure(Stage.DOWNLOAD, true, "HTTP 503"),
                                new ImageFailure(Stage.ARCHIVE, true, "disk full"))))
                .isEqualTo(new Outcome.Retry(
                        Stage.ARCHIVE, "job job: 2 of 60 images not archived yet; archive: HTTP 503"));
        assertThat(registry.get("sink.images.lost").counter().count()).isZero();
    }

    @Test
    void shouldDeadLetterExpiredImagesAsLostCountingEveryImageNotArchived() {
        Outcome outcome = outcomes.failed(
                "job",
                60,
                failures(
                        new ImageFailure(Stage.EXPIRED, false, "HTTP 410"),
                        new ImageFailure(Stage.DOWNLOAD, true, "HTTP 503")));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.DeadLetter.class, dead -> {
            assertThat(dead.stage()).isEqualTo(Stage.EXPIRED);
            assertThat(dead.reason())
                    .startsWith("job job lost 2 of 60 images: 1 of 60")
                    .contains("HTTP 410");
        });
        assertThat(registry.get("sink.images.lost").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterAtTheStageOfTheFirstPermanentFailure() {
        assertThat(outcomes.failed(
                        "job",
                        60,
                        failures(
                                new ImageFailure(Stage.DOWNLOAD, true, "HTTP 503"),
                                new ImageFailure(Stage.CONTENT, false, "not a JPEG"),
                                new ImageFailure(Stage.URL_POLICY, false, "redirect refused"))))
                .isEqualTo(new Outcome.DeadLetter(
                        Stage.CONTENT, "job job: 2 of 60 images refused or invalid: not a JPEG; redirect refused"));
    }
}
