package io.runflowkafka.processor.async;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * A wall-clock punctuation scheduled only while its processor has work. Kafka Streams marks a task for commit after
 * each of its punctuations ({@code StreamTask.maybePunctuateSystemTime}), so a punctuator left on while there is
 * nothing to do commits an offsets-only transaction every commit interval, on every thread, for ever.
 *
 * <p>Stream thread only, like the processor that owns it.
 */
public final class WhileBusy {

    private final ProcessingContext context;
    private final Duration interval;
    private final Punctuator work;
    private final BooleanSupplier busy;
    private Cancellable scheduled;

    /**
     * @param work what each punctuation does
     * @param busy whether there is work left for a later punctuation, asked after each one
     */
    public WhileBusy(ProcessingContext context, Duration interval, Punctuator work, BooleanSupplier busy) {
        this.context = context;
        this.interval = interval;
        this.work = work;
        this.busy = busy;
    }

    /** Schedules the punctuation if it is not scheduled: call it whenever work may have been added. */
    public void wake() {
        if (scheduled == null) {
            scheduled = context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        }
    }

    /** Schedules the punctuation if there is work already, as after a restore. */
    public void wakeIfBusy() {
        if (busy.getAsBoolean()) {
            wake();
        }
    }

    /** Whether the punctuation is scheduled now. */
    public boolean scheduled() {
        return scheduled != null;
    }

    private void punctuate(long now) {
        work.punctuate(now);
        if (scheduled != null && !busy.getAsBoolean()) {
            scheduled.cancel();
            scheduled = null;
        }
    }
}
