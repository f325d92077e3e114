package io.runflowkafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runflowkafka.schema.HeadshotsCompleted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads Runflow's {@code headshots.completed} callback ({@code event}, {@code headshots_id}, {@code image_urls})
 * into a {@link HeadshotsCompleted} keyed by headshots id, expiring {@code urlLifetime} after receipt.
 */
final class HeadshotsCallbackParser implements CallbackParser {

    /** The only event this callback carries. */
    public static final String EVENT = "headshots.completed";
    /** Runflow sends 60 URLs; a little room, but no unbounded arrays. */
    public static final int MAX_IMAGE_URLS = 100;

    private final String topic;
    private final Duration urlLifetime;

    /**
     * @param topic where the events go
     * @param urlLifetime how long Runflow's image URLs stay valid (24 h documented)
     */
    public HeadshotsCallbackParser(String topic, Duration urlLifetime) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.urlLifetime = Objects.requireNonNull(urlLifetime, "urlLifetime");
    }

    @Override
    public OutgoingEvent parse(VerifiedCallback callback) throws InvalidPayloadException {
        ObjectNode json = callback.json();
        String event = Fields.requiredString(json, "event");
        if (!EVENT.equals(event)) {
            throw new InvalidPayloadException(
                    "event", "is not a known event type for this callback (expected " + EVENT + ")");
        }
        String headshotsId = Fields.uuid(json, "headshots_id");
        List<String> imageUrls = imageUrls(json);
        HeadshotsCompleted value = HeadshotsCompleted.newBuilder()
                .setHeadshotsId(headshotsId)
                .setJobRef(callback.jobRef())
                .setImageUrls(imageUrls)
                .setDeliveryId(callback.deliveryId())
                .setReceivedAt(callback.receivedAt())
                .setExpiresAt(callback.receivedAt().plus(urlLifetime))
                .setAttributes(Map.of())
                .build();
        return new OutgoingEvent(topic, headshotsId, value, callback.deliveryId());
    }

    private static List<String> imageUrls(ObjectNode json) throws InvalidPayloadException {
        JsonNode node = json.get("image_urls");
        if (node == null || node.isNull()) {
            throw new InvalidPayloadException("image_urls", "is required");
        }
        if (!node.isArray()) {
            throw new InvalidPayloadException("image_urls", "must be an array of URLs");
        }
        if (node.isEmpty() || node.size() > MAX_IMAGE_URLS) {
            throw new InvalidPayloadException("image_urls", "must hold 1 to " + MAX_IMAGE_URLS + " URLs");
        }
        List<String> urls = new ArrayList<>(node.size());
        HttpsUrls httpsUrls = new HttpsUrls();
        for (int i = 0; i < node.size(); i++) {
            JsonNode url = node.get(i);
            if (!url.isTextual() || !httpsUrls.accepts(url.textValue())) {
                throw new InvalidPayloadException("image_urls[" + i + "]", "must be an absolute https URL");
            }
            urls.add(url.textValue());
        }
        return urls;
    }
}
