package io.runflowkafka.processor.status;

import io.runflowkafka.processor.internal.JobStatus;
import org.apache.kafka.streams.state.HostInfo;

/** Finds a job's status in the job-status tables, or says which instance holds it. */
public interface JobStatusLookup {

    /** What a lookup found. */
    sealed interface Result {}

    /** This instance holds the key and has a status for it. */
    record Found(JobStatus status) implements Result {}

    /** This instance holds the key and knows no job for it. */
    record NotFound() implements Result {}

    /** Another instance holds the key: ask it. */
    record Elsewhere(HostInfo host) implements Result {}

    /** No instance can answer now (starting, rebalancing, restoring). */
    record Unavailable(String reason) implements Result {}

    /** The status of the job of an order. */
    Result byOrderId(String orderId);

    /** The status of the job with this Runflow headshots id. */
    Result byHeadshotsId(String headshotsId);
}
