package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class WaitsTest {

    @Test
    void shouldNameWhatItWaitedForWhenTimeRunsOut() {
        assertThatThrownBy(() -> Waits.await("order-42 on photos.accepted", Duration.ofMillis(200))
                        .until(() -> false))
                .isInstanceOf(ConditionTimeoutException.class)
                .hasMessageContaining("order-42 on photos.accepted");
    }

    @Test
    void shouldEvaluateConditionsOnTheCallingThreadSoConsumersStayOnTheirThread() {
        Thread caller = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();

        Waits.await("the third call").until(() -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            return calls.incrementAndGet() == 3;
        });

        assertThat(calls).hasValue(3);
    }
}
