package io.runflowkafka.emulator;

import java.time.Instant;

/**
 * One attempt of the emulator's webhook sender to deliver a callback.
 *
 * @param event the event type, {@code headshots.completed} or {@code run.completed}
 * @param jobId the headshots id or run id the callback is about
 * @param target host and port the callback went to (the path, which may hold a token, is left out)
 * @param attempt the attempt number for this callback, from 1
 * @param status the HTTP status received, or 0 when the exchange failed
 * @param delivered whether the receiver accepted it (2xx)
 * @param at when the attempt finished
 */
public record CallbackAttempt(
        String event, String jobId, String target, int attempt, int status, boolean delivered, Instant at) {}
