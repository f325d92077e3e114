package io.runflowkafka.processor.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.Test;

class WhileBusyTest {

    private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
    private final AtomicInteger work = new AtomicInteger();
    private final AtomicInteger runs = new AtomicInteger();

    private final WhileBusy drains =
            new WhileBusy(context, Duration.ofMillis(10), now -> runs.incrementAndGet(), () -> work.get() > 0);

    @Test
    void shouldNotScheduleAnythingWhileThereIsNoWork() {
        drains.wakeIfBusy();

        assertThat(context.scheduledPunctuators()).isEmpty();
        assertThat(drains.scheduled()).isFalse();
    }

    @Test
    void shouldPunctuateWhileBusyAndCancelAfterThePunctuationThatLeavesNoWork() {
        work.set(2);
        drains.wake();
        drains.wake();

        assertThat(context.scheduledPunctuators())
                .as("one schedule, however often woken")
                .hasSize(1);
        CapturedPunctuator first = context.scheduledPunctuators().get(0);
        assertThat(first.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        assertThat(first.getInterval()).isEqualTo(Duration.ofMillis(10));

        first.getPunctuator().punctuate(1);
        assertThat(first.cancelled()).as("work is left").isFalse();

        work.set(0);
        first.getPunctuator().punctuate(2);
        assertThat(runs).hasValue(2);
        assertThat(first.cancelled()).as("the punctuation that left no work").isTrue();
        assertThat(drains.scheduled()).isFalse();
    }

    @Test
    void shouldScheduleAgainWhenWorkComesBackAfterACancel() {
        work.set(1);
        drains.wake();
        work.set(0);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1);

        work.set(1);
        drains.wake();

        assertThat(context.scheduledPunctuators()).hasSize(2);
        assertThat(context.scheduledPunctuators().get(1).cancelled()).isFalse();
        assertThat(drains.scheduled()).isTrue();
    }

    @Test
    void shouldScheduleAtOnceForWorkRestoredBeforeTheFirstRecord() {
        work.set(3);

        drains.wakeIfBusy();

        assertThat(context.scheduledPunctuators()).hasSize(1);
    }
}
