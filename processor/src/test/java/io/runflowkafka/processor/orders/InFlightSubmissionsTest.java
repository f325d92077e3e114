package io.runflowkafka.processor.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightSubmissionsTest {

    private final InFlightSubmissions inFlight = new InFlightSubmissions();
    private final AtomicInteger sent = new AtomicInteger();

    private CompletableFuture<String> send(String jobRef) {
        return inFlight.send(jobRef, () -> {
            sent.incrementAndGet();
            return new CompletableFuture<>();
        });
    }

    @Test
    void shouldReportADrainCompleteOnceEverySentSubmissionIsForwarded() {
        send("ref-1");
        send("ref-2");
        inFlight.forwarded("ref-1");

        assertThat(inFlight.drain(Duration.ofMillis(20)))
                .as("ref-2 is still out")
                .isFalse();
        inFlight.forwarded("ref-2");
        assertThat(inFlight.drain(Duration.ofMillis(20))).isTrue();
        assertThat(inFlight.inFlight()).isZero();
    }

    @Test
    void shouldHoldNewSubmissionsDuringADrainButRetrySentOnes() {
        send("ref-1");
        inFlight.drain(Duration.ZERO);

        CompletableFuture<String> held = send("ref-2");
        send("ref-1");

        assertThat(sent).as("ref-1 twice (a retry), ref-2 never").hasValue(2);
        assertThat(held).isNotDone();
        inFlight.close();
        assertThat(held).isCompletedExceptionally();
        assertThat(held.handle((value, failure) -> failure).join()).isInstanceOf(CancellationException.class);
    }
}
