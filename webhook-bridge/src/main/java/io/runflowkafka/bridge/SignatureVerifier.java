package io.runflowkafka.bridge;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies Standard Webhooks signatures ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}:
 * HMAC-SHA256 over {@code id.timestamp.body}, 5 minutes tolerance) with the reference library. Several secrets may
 * be configured while one is rotated; a signature from any of them is accepted.
 */
public final class SignatureVerifier {

    /** Header carrying the message id, which becomes the delivery id. */
    public static final String ID_HEADER = "webhook-id";
    /** Header carrying the signing time in Unix seconds. */
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    /** Header carrying one or more space-separated {@code v1,<base64>} signatures. */
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private final List<Webhook> webhooks;

    private SignatureVerifier(List<Webhook> webhooks) {
        this.webhooks = webhooks;
    }

    /** A verifier that is off: callbacks are authenticated by their URL token alone. */
    public static SignatureVerifier disabled() {
        return new SignatureVerifier(List.of());
    }

    /**
     * A verifier accepting signatures made with any of {@code secrets}.
     *
     * @param secrets signing secrets as {@code whsec_<base64>} (the prefix is optional); empty turns verification off
     * @throws IllegalArgumentException naming the position, never the content, of a secret that is not valid
     */
    public static SignatureVerifier of(List<String> secrets) {
        List<Webhook> webhooks = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            try {
                webhooks.add(new Webhook(secrets.get(i)));
            } catch (EmptyWebhookSecretException | IllegalArgumentException e) {
                // The decoder's message quotes the offending character of the secret: not passed on.
                throw new IllegalArgumentException(
                        "signing secret #" + (i + 1) + " is not whsec_ followed by non-empty base64");
            }
        }
        return new SignatureVerifier(List.copyOf(webhooks));
    }

    /** Whether signatures are checked at all. */
    public boolean enabled() {
        return !webhooks.isEmpty();
    }

    /**
     * Checks the signature headers against the body.
     *
     * @param body the body exactly as received (strictly decoded UTF-8, so it re-encodes to the same bytes)
     * @param id the {@code webhook-id} header, may be null
     * @param timestamp the {@code webhook-timestamp} header, may be null
     * @param signature the {@code webhook-signature} header, may be null
     * @return the {@code webhook-id} when some secret's signature matches, empty otherwise
     */
    public Optional<String> verify(String body, String id, String timestamp, String signature) {
        if (id == null || timestamp == null || signature == null) {
            return Optional.empty();
        }
        Map<String, List<String>> headers = Map.of(
                ID_HEADER, List.of(id),
                TIMESTAMP_HEADER, List.of(timestamp),
                SIGNATURE_HEADER, List.of(signature));
        for (Webhook webhook : webhooks) {
            try {
                webhook.verify(body, headers);
                return Optional.of(id);
            } catch (WebhookVerificationException e) {
                // Try the next secret; which one failed, and why, is not told to the sender.
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "SignatureVerifier[secrets=" + webhooks.size() + "]";
    }
}
