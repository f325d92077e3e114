package io.runflowkafka.processor.status;

/**
 * The topics the job-status view is built from.
 *
 * @param jobs submitted jobs ({@code HeadshotJob}, key order id)
 * @param jobsDeadLetter refused submissions (key order id)
 * @param completed completion callbacks ({@code HeadshotsCompleted}, key headshots id)
 * @param archived archived jobs ({@code HeadshotsArchived}, key headshots id)
 * @param completedDeadLetter completions the storage sink could not archive (key headshots id)
 */
public record StatusTopics(
        String jobs, String jobsDeadLetter, String completed, String archived, String completedDeadLetter) {}
