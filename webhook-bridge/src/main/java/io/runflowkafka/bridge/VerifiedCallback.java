package io.runflowkafka.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A callback whose URL token (and signature, when configured) checked out and whose body is a JSON object.
 *
 * @param jobRef the job reference from the callback URL
 * @param body the body as received, decoded as UTF-8 (the exact bytes round-trip)
 * @param json the parsed body
 * @param deliveryId the Standard Webhooks {@code webhook-id}, or an id derived from the content
 * @param receivedAt when the bridge received the callback
 */
record VerifiedCallback(String jobRef, String body, ObjectNode json, String deliveryId, Instant receivedAt) {

    /** Requires every part. */
    public VerifiedCallback {
        Objects.requireNonNull(jobRef, "jobRef");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
