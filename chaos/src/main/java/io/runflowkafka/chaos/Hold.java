package io.runflowkafka.chaos;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A fixed, bounded hold: a fault lasts this long by design, so nothing is polled. */
final class Hold {

    private Hold() {}

    static void hold(Duration duration, String what) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while holding: " + what, e);
        }
    }
}
