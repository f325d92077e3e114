package io.runflowkafka.processor.orders;

/**
 * The headshot orders' topics: accepted photos in, submitted jobs and failed submissions out.
 *
 * @param accepted accepted photos ({@code ScoredUpload}, key order id)
 * @param jobs submitted jobs ({@code HeadshotJob}, key order id)
 * @param jobsDeadLetter submissions Runflow refused for good (key order id, JSON value, error headers)
 */
public record OrderTopics(String accepted, String jobs, String jobsDeadLetter) {}
