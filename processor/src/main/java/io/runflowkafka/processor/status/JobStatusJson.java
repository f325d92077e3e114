package io.runflowkafka.processor.status;

import io.runflowkafka.processor.internal.JobStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a job status and of an error, as the job-status API answers them. */
final class JobStatusJson {

    private JobStatusJson() {}

    /** The status as a JSON object: ids, state, times as ISO-8601, absent fields left out. */
    static Map<String, Object> of(JobStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "order_id", status.getOrderId());
        put(json, "headshots_id", status.getHeadshotsId());
        put(json, "job_ref", status.getJobRef());
        put(json, "user_id", status.getUserId());
        json.put("state", status.getState().name());
        put(json, "input_images", status.getInputImages());
        put(json, "submitted_at", time(status.getSubmittedAt()));
        put(json, "completed_at", time(status.getCompletedAt()));
        put(json, "image_count", status.getImageCount());
        put(json, "images_expire_at", time(status.getExpiresAt()));
        put(json, "archived_at", time(status.getArchivedAt()));
        put(json, "archive_uri", status.getArchiveUri());
        put(json, "manifest_key", status.getManifestKey());
        if (status.getFailureStage() != null || status.getFailureReason() != null) {
            Map<String, Object> failure = new LinkedHashMap<>();
            put(failure, "stage", status.getFailureStage());
            put(failure, "reason", status.getFailureReason());
            put(failure, "failed_at", time(status.getFailedAt()));
            json.put("failure", failure);
        }
        json.put("updated_at", time(status.getUpdatedAt()));
        return json;
    }

    /** An error body: a stable code and a sentence. */
    static Map<String, Object> error(String code, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", code);
        json.put("message", message);
        return json;
    }

    private static void put(Map<String, Object> json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
