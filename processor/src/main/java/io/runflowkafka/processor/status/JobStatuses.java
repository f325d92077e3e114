package io.runflowkafka.processor.status;

import io.runflowkafka.processor.internal.JobState;
import io.runflowkafka.processor.internal.JobStatus;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import java.util.function.Function;

/**
 * Turns each event into a partial {@link JobStatus} and merges partial statuses into one. Events of one
 * job arrive from several topics in no guaranteed order, so the merge keeps every field it has seen and
 * the furthest state: SUBMITTED, then COMPLETED, then FAILED (archiving failed), then ARCHIVED (which
 * also wins over a failure that a re-drive fixed).
 */
public final class JobStatuses {

    private JobStatuses() {}

    /** A job Runflow accepted. */
    public static JobStatus submitted(HeadshotJob job) {
        long at = job.getSubmittedAt().toEpochMilli();
        return JobStatus.newBuilder()
                .setState(JobState.SUBMITTED)
                .setOrderId(job.getOrderId())
                .setUserId(job.getUserId())
                .setJobRef(job.getJobRef())
                .setHeadshotsId(job.getHeadshotsId())
                .setInputImages(job.getInputImageUrls().size())
                .setSubmittedAt(at)
                .setUpdatedAt(at)
                .build();
    }

    /** Runflow called back with the generated images. */
    public static JobStatus completed(HeadshotsCompleted completed) {
        long at = completed.getReceivedAt().toEpochMilli();
        return JobStatus.newBuilder()
                .setState(JobState.COMPLETED)
                .setJobRef(completed.getJobRef())
                .setHeadshotsId(completed.getHeadshotsId())
                .setCompletedAt(at)
                .setImageCount(completed.getImageUrls().size())
                .setExpiresAt(completed.getExpiresAt().toEpochMilli())
                .setUpdatedAt(at)
                .build();
    }

    /** The storage sink archived the images. */
    public static JobStatus archived(HeadshotsArchived archived) {
        long at = archived.getArchivedAt().toEpochMilli();
        return JobStatus.newBuilder()
                .setState(JobState.ARCHIVED)
                .setJobRef(archived.getJobRef())
                .setHeadshotsId(archived.getHeadshotsId())
                .setArchivedAt(at)
                .setArchiveUri(archived.getArchiveUri())
                .setManifestKey(archived.getManifestKey())
                .setImageCount(archived.getObjects().size())
                .setExpiresAt(archived.getExpiresAt().toEpochMilli())
                .setUpdatedAt(at)
                .build();
    }

    /** A dead letter: the job failed at {@code stage}. */
    public static JobStatus failed(String stage, String reason, long at) {
        return JobStatus.newBuilder()
                .setState(JobState.FAILED)
                .setFailureStage(stage)
                .setFailureReason(reason)
                .setFailedAt(at)
                .setUpdatedAt(at)
                .build();
    }

    /** Merges an update into what is known; either may be null. */
    public static JobStatus merge(JobStatus known, JobStatus update) {
        if (known == null) {
            return update;
        }
        if (update == null) {
            return known;
        }
        JobState state =
                update.getState().ordinal() >= known.getState().ordinal() ? update.getState() : known.getState();
        JobStatus merged = JobStatus.newBuilder()
                .setState(state)
                .setOrderId(pick(known, update, JobStatus::getOrderId))
                .setUserId(pick(known, update, JobStatus::getUserId))
                .setJobRef(pick(known, update, JobStatus::getJobRef))
                .setHeadshotsId(pick(known, update, JobStatus::getHeadshotsId))
                .setInputImages(pick(known, update, JobStatus::getInputImages))
                .setSubmittedAt(pick(known, update, JobStatus::getSubmittedAt))
                .setCompletedAt(pick(known, update, JobStatus::getCompletedAt))
                .setImageCount(pick(known, update, JobStatus::getImageCount))
                .setExpiresAt(pick(known, update, JobStatus::getExpiresAt))
                .setArchivedAt(pick(known, update, JobStatus::getArchivedAt))
                .setArchiveUri(pick(known, update, JobStatus::getArchiveUri))
                .setManifestKey(pick(known, update, JobStatus::getManifestKey))
                .setFailedAt(pick(known, update, JobStatus::getFailedAt))
                .setFailureStage(pick(known, update, JobStatus::getFailureStage))
                .setFailureReason(pick(known, update, JobStatus::getFailureReason))
                .setUpdatedAt(Math.max(known.getUpdatedAt(), update.getUpdatedAt()))
                .build();
        if (state == JobState.ARCHIVED) {
            // Archived after all: an earlier archiving failure no longer describes the job.
            merged.setFailedAt(null);
            merged.setFailureStage(null);
            merged.setFailureReason(null);
        }
        return merged;
    }

    private static <T> T pick(JobStatus known, JobStatus update, Function<JobStatus, T> field) {
        T value = field.apply(update);
        return value != null ? value : field.apply(known);
    }
}
