package io.runflowkafka.processor.async;

import io.runflowkafka.processor.internal.PendingCall;
import io.runflowkafka.processor.kafka.InputFlowControl;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Back-pressure on one task's input: it waits in Kafka (its partitions paused) while the task holds {@code
 * maxPending} calls, and until half of them are answered. {@code process()} never blocks, so no transaction is held
 * open waiting for room (stream thread only).
 */
final class InputBackPressure {

    private final int maxPending;
    /** The input partitions of the task (one, for the processors here). */
    private final Set<TopicPartition> inputs = new HashSet<>();

    private boolean held;

    InputBackPressure(int maxPending) {
        this.maxPending = maxPending;
    }

    /** Notes the partition a call's input came from: the one to pause. */
    void inputOf(PendingCall call) {
        inputs.add(new TopicPartition(call.getTopic(), call.getPartition()));
    }

    /** Pauses the input when the task holds {@code maxPending} calls or more. */
    void accepted(int pending) {
        if (pending >= maxPending && !held) {
            held = true;
            InputFlowControl.hold(inputs);
        }
    }

    /** Resumes the input once no more than half of {@code maxPending} calls are left. */
    void answered(int pending) {
        if (held && pending <= maxPending / 2) {
            release();
        }
    }

    /** Resumes the input, if it was paused (the task is closed). */
    void close() {
        if (held) {
            release();
        }
    }

    private void release() {
        held = false;
        InputFlowControl.release(inputs);
    }
}
