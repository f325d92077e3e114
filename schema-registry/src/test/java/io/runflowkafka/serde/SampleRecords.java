package io.runflowkafka.serde;

import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.RunCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every generated record class, for round-trip tests. */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    private SampleRecords() {}

    static UploadEvent upload(String uploadId) {
        return UploadEvent.newBuilder()
                .setUploadId(uploadId)
                .setOrderId("order-1")
                .setUserId("user-1")
                .setImageUri("https://cdn.example.com/u/" + uploadId + ".jpg")
                .setContentType("image/jpeg")
                .setUploadedAt(T0)
                .setAttributes(Map.of("tenant", "acme", "ünïcødé", "✓"))
                .build();
    }

    static List<SpecificRecord> everyGeneratedClass() {
        ScoredUpload scored = ScoredUpload.newBuilder()
                .setUploadId("up-1")
                .setOrderId("order-1")
                .setUserId("user-1")
                .setImageUri("s3://bucket/key.jpg")
                .setDecision(Decision.RETAKE)
                .setQualityScore(0.42)
                .setBrightness(31.5)
                .setSharpness(12.25)
                .setTips(List.of("Face the light", "Hold still"))
                .setThreshold(0.7)
                .setUploadedAt(T0)
                .setScoredAt(T0.plusSeconds(2))
                .setAttempts(3)
                .setAttributes(Map.of("k", "v"))
                .build();
        HeadshotJob job = HeadshotJob.newBuilder()
                .setOrderId("order-1")
                .setUserId("user-1")
                .setJobRef("job-1")
                .setHeadshotsId("6f1c2b9e-0000-4000-8000-000000000001")
                .setInputImageUrls(List.of("https://a/1.jpg", "https://a/2.jpg"))
                .setUploadIds(List.of("up-1", "up-2"))
                .setSubmittedAt(T0)
                .setAttributes(Map.of())
                .build();
        HeadshotsCompleted completed = HeadshotsCompleted.newBuilder()
                .setHeadshotsId("6f1c2b9e-0000-4000-8000-000000000001")
                .setJobRef("job-1")
                .setImageUrls(List.of("https://cdn/1.png", "https://cdn/2.png"))
                .setDeliveryId("msg_1")
                .setReceivedAt(T0)
                .setExpiresAt(T0.plusSeconds(86_400))
                .setAttributes(Map.of("a", "b"))
                .build();
        HeadshotsArchived archived = HeadshotsArchived.newBuilder()
                .setHeadshotsId("6f1c2b9e-0000-4000-8000-000000000001")
                .setJobRef("job-1")
                .setArchiveUri("s3://archive/prefix")
                .setManifestKey("headshots/6f1c2b9e-0000-4000-8000-000000000001/manifest.json")
                .setObjects(List.of(ArchivedObject.newBuilder()
                        .setIndex(1)
                        .setSourceUrl("https://cdn/1.png")
                        .setKey("headshots/6f1c2b9e-0000-4000-8000-000000000001/001.png")
                        .setSizeBytes(123_456L)
                        .setSha256("ab".repeat(32))
                        .setContentType("image/png")
                        .build()))
                .setTotalBytes(123_456L)
                .setArchivedAt(T0)
                .setExpiresAt(T0.plusSeconds(86_400))
                .setAttributes(Map.of())
                .build();
        RunCompleted run = RunCompleted.newBuilder()
                .setRunId("run-1")
                .setJobRef("job-2")
                .setStatusCode("succeeded")
                .setModel("runflow/score-image")
                .setClientRef(null)
                .setOutputJson("{\"score\":0.9}")
                .setError(null)
                .setRawPayload("{\"id\":\"run-1\"}")
                .setDeliveryId("d-1")
                .setReceivedAt(T0)
                .setAttributes(Map.of())
                .build();
        return List.of(upload("up-1"), scored, job, completed, archived, run);
    }
}
