package io.runflowkafka.chaos;

/** The figures of one chaos run, and its last line. */
record ChaosResult(
        int uploads,
        int routed,
        int lost,
        int duplicated,
        int outOfOrder,
        int jobsExtra,
        int archived,
        int archiveDup,
        int ackedLost,
        int archiveProblems,
        int unfinished,
        int kills,
        int pauses,
        int brokerRestarts,
        long seed) {

    boolean passed() {
        return lost == 0
                && duplicated == 0
                && outOfOrder == 0
                && jobsExtra == 0
                && archiveDup == 0
                && ackedLost == 0
                && archiveProblems == 0
                && unfinished == 0;
    }

    /** The run's last line, parsed by scripts (chaos/README.md). */
    String line() {
        return String.format(
                "chaos: uploads=%d routed=%d lost=%d duplicated=%d out_of_order=%d jobs_extra=%d "
                        + "archived=%d archive_dup=%d acked_lost=%d kills=%d pauses=%d broker_restarts=%d seed=%d",
                uploads,
                routed,
                lost,
                duplicated,
                outOfOrder,
                jobsExtra,
                archived,
                archiveDup,
                ackedLost,
                kills,
                pauses,
                brokerRestarts,
                seed);
    }
}
