package io.runflowkafka.common.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void shouldMakeNamedDaemonThreads() {
        Thread thread = DaemonThreads.named("bridge-kafka-readiness").newThread(() -> {});

        assertThat(thread.getName()).isEqualTo("bridge-kafka-readiness");
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void shouldNumberThePoolsThreadsFromOne() {
        ThreadFactory pool = DaemonThreads.numbered("sink-download");

        assertThat(pool.newThread(() -> {}).getName()).isEqualTo("sink-download-1");
        Thread second = pool.newThread(() -> {});
        assertThat(second.getName()).isEqualTo("sink-download-2");
        assertThat(second.isDaemon()).isTrue();
    }
}
