package io.runflowkafka.processor.status;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.processor.DeadLetters;
import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Events of one headshots job as the pipeline's services write them. */
final class StatusEvents {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private StatusEvents() {}

    static HeadshotJob job(String orderId, String headshotsId) {
        return HeadshotJob.newBuilder()
                .setOrderId(orderId)
                .setUserId("user-" + orderId)
                .setJobRef("ref-" + orderId)
                .setHeadshotsId(headshotsId)
                .setInputImageUrls(List.of("https://img.example/1.jpg", "https://img.example/2.jpg"))
                .setUploadIds(List.of("u1", "u2"))
                .setSubmittedAt(T0)
                .setAttributes(Map.of())
                .build();
    }

    static HeadshotsCompleted completed(String orderId, String headshotsId) {
        return HeadshotsCompleted.newBuilder()
                .setHeadshotsId(headshotsId)
                .setJobRef("ref-" + orderId)
                .setImageUrls(IntStream.rangeClosed(1, 60)
                        .mapToObj(i -> "https://cdn.runflow.io/" + i + ".jpg")
                        .toList())
                .setDeliveryId("delivery-1")
                .setReceivedAt(T0.plusSeconds(3600))
                .setExpiresAt(T0.plusSeconds(3600 + 86_400))
                .setAttributes(Map.of())
                .build();
    }

    static HeadshotsArchived archived(String orderId, String headshotsId) {
        List<ArchivedObject> objects = IntStream.rangeClosed(1, 60)
                .mapToObj(i -> ArchivedObject.newBuilder()
                        .setIndex(i)
                        .setSourceUrl("https://cdn.runflow.io/" + i + ".jpg")
                        .setKey(String.format("headshots/%s/%03d.jpg", headshotsId, i))
                        .setSizeBytes(1000)
                        .setSha256("ab".repeat(32))
                        .setContentType("image/jpeg")
                        .build())
                .toList();
        return HeadshotsArchived.newBuilder()
                .setHeadshotsId(headshotsId)
                .setJobRef("ref-" + orderId)
                .setArchiveUri("file:///data/archive")
                .setManifestKey("headshots/" + headshotsId + "/manifest.json")
                .setObjects(objects)
                .setTotalBytes(60_000)
                .setArchivedAt(T0.plusSeconds(3700))
                .setExpiresAt(T0.plusSeconds(3600 + 86_400))
                .setAttributes(Map.of())
                .build();
    }

    /** Headers as the storage sink writes them on headshots.completed.dlq (the project's one convention). */
    static Headers sinkDeadLetterHeaders(String stage, String message) {
        return DeadLetterHeaders.add(
                new RecordHeaders(),
                new DeadLetterHeaders.Failure(
                        "storage-sink",
                        stage,
                        "UrlsExpired",
                        message,
                        0,
                        "headshots.completed",
                        0,
                        3,
                        T0.plusSeconds(3650)));
    }

    /** Headers as the processor writes them on headshots.jobs.dlq. */
    static Headers submitDeadLetterHeaders(String message) {
        return DeadLetters.headers(new IllegalStateException(message), "submit", 1, "photos.accepted", 0, 7);
    }
}
