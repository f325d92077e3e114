package io.runflowkafka.chaos;

import java.util.List;

/** The pipeline's topics, with the services' default names. */
record ChaosTopics(
        String uploaded,
        String accepted,
        String retake,
        String uploadedDlq,
        String jobs,
        String jobsDlq,
        String completed,
        String runsCompleted,
        String archived,
        String completedDlq) {

    static final ChaosTopics DEFAULTS = new ChaosTopics(
            "photos.uploaded",
            "photos.accepted",
            "photos.retake",
            "photos.uploaded.dlq",
            "headshots.jobs",
            "headshots.jobs.dlq",
            "headshots.completed",
            "runs.completed",
            "headshots.archived",
            "headshots.completed.dlq");

    List<String> all() {
        return List.of(
                uploaded,
                accepted,
                retake,
                uploadedDlq,
                jobs,
                jobsDlq,
                completed,
                runsCompleted,
                archived,
                completedDlq);
    }
}
