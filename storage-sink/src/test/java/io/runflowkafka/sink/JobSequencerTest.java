package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobSequencerTest {

    private static final Outcome DONE = new Outcome.Retry(Stage.DOWNLOAD, "scripted");

    private final JobSequencer sequencer = new JobSequencer(4);
    private final List<String> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        sequencer.close();
    }

    @Test
    void shouldRunTwoCompletionsOfOneJobOneAfterTheOtherAndOtherJobsAlongside() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CompletableFuture<Outcome> first = sequencer.submit("job-a", () -> {
            started.add("a1");
            firstStarted.countDown();
            await(release);
            return DONE;
        });
        CompletableFuture<Outcome> second = sequencer.submit("job-a", () -> {
            started.add("a2");
            return DONE;
        });
        CompletableFuture<Outcome> other = sequencer.submit("job-b", () -> {
            started.add("b");
            return DONE;
        });

        assertThat(other.get(5, TimeUnit.SECONDS))
                .as("another job does not wait")
                .isEqualTo(DONE);
        // The first completion runs on its own thread and may start after the other job ended: wait for it.
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(started).containsExactlyInAnyOrder("a1", "b");
        assertThat(second).isNotDone();

        release.countDown();
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(DONE);
        assertThat(first).isDone();
        assertThat(started).containsSubsequence("a1", "a2");
    }

    @Test
    void shouldRunTheNextCompletionOfAJobEvenWhenThePreviousOneFailed() throws Exception {
        CompletableFuture<Outcome> failing = sequencer.submit("job-a", () -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<Outcome> next = sequencer.submit("job-a", () -> DONE);

        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(DONE);
        assertThat(failing).isCompletedExceptionally();
    }

    @Test
    void shouldRunRecordsWithoutAJobAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        sequencer.submit(null, () -> {
            await(release);
            return DONE;
        });

        assertThat(sequencer.submit(null, () -> DONE).get(5, TimeUnit.SECONDS)).isEqualTo(DONE);
        release.countDown();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
