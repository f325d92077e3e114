package io.runflowkafka.chaos;

import io.runflowkafka.emulator.RunflowEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The end of the run: the faults injected, the detail lines of what went wrong (twenty of each kind at most) and,
 * last, the {@code chaos: uploads=... seed=...} line that scripts parse.
 */
final class ChaosReport {

    private static final int SHOWN = 20;

    private final PrintStream out;
    private final RunLog log;
    private final FaultInjector faults;
    private final ServiceFleet services;
    private final CallbackProxy proxy;
    private final RunflowEmulator emulator;
    private final Feeder feeder;
    private final long seed;

    ChaosReport(
            PrintStream out,
            RunLog log,
            FaultInjector faults,
            ServiceFleet services,
            CallbackProxy proxy,
            RunflowEmulator emulator,
            Feeder feeder,
            long seed) {
        this.out = out;
        this.log = log;
        this.faults = faults;
        this.services = services;
        this.proxy = proxy;
        this.emulator = emulator;
        this.feeder = feeder;
        this.seed = seed;
    }

    /** Prints the report of the checker's last snapshot and returns the run's figures. */
    ChaosResult print(Snapshot s, List<String> archiveProblems) throws IOException {
        int ackedLost = (int) proxy.acknowledged().stream()
                .filter(id -> !s.completed.containsKey(id))
                .count();
        List<String> misrouted = misrouted(s);
        // A re-send at Runflow that no processor counted fails the run too: Runflow holds (and bills) a job nobody
        // sees.
        Map<String, Integer> resendsUncounted = ResendLedger.uncounted(
                s.reissuedByJobRef(), ResendLedger.counted(log.file().getParent()));
        int unfinished = resendsUncounted.size()
                + s.ordersWithoutJob().size()
                + s.jobsNotCompleted().size()
                + s.completionsNotArchived().size()
                + s.completionsUnknown()
                + s.foreignDeadLetters.size()
                + misrouted.size();
        show(misrouted.stream().map(m -> "misrouted upload " + m));
        show(s.foreignDeadLetters.stream().map(f -> "not an upload on the uploads' DLQ: " + f));
        show(s.ordersWithoutJob().stream().sorted().map(o -> "order " + o + " has accepted photos but no HeadshotJob"));
        out.printf(
                "chaos: faults %s; self_exits=%d callbacks_forwarded=%d sent_twice=%d refused=%d%n",
                faults.injected(), services.selfExits(), proxy.forwarded(), proxy.duplicatesSent(), proxy.refused());
        var counters = emulator.counters().snapshot();
        out.printf(
                "chaos: accepted=%d retake=%d dlq=%d jobs=%d jobs_dlq=%d runflow_submissions=%d completed=%d "
                        + "completed_reissued=%d completed_unknown=%d completed_dlq=%d orders_without_job=%d "
                        + "jobs_not_completed=%d completions_not_archived=%d archive_problems=%d callbacks_abandoned=%d "
                        + "misrouted=%d foreign_dead_letters=%d wall=%ds%n",
                s.accepted,
                s.retake,
                s.dlq,
                s.jobsPerOrder.values().stream().mapToInt(Integer::intValue).sum(),
                s.jobsDlqOrders.size(),
                counters.headshotSubmissions(),
                s.completed.size(),
                s.completionsReissued(),
                s.completionsUnknown(),
                s.completedDlq.size(),
                s.ordersWithoutJob().size(),
                s.jobsNotCompleted().size(),
                s.completionsNotArchived().size(),
                archiveProblems.size(),
                counters.callbacksAbandoned(),
                misrouted.size(),
                s.foreignDeadLetters.size(),
                log.elapsedSeconds());
        show(s.reissuedByJobRef().entrySet().stream()
                .map(e -> "job_ref " + e.getKey() + " has extra Runflow job(s) " + e.getValue()
                        + " beside its HeadshotJob's (a re-sent submission)"));
        int resends =
                s.reissuedByJobRef().values().stream().mapToInt(List::size).sum();
        out.printf(
                "chaos: runflow_resends=%d resends_uncounted=%d (each must be counted by "
                        + "headshots_submissions_reissued_total, i.e. logged as \"sending again\")%n",
                resends,
                resendsUncounted.values().stream().mapToInt(Integer::intValue).sum());
        show(resendsUncounted.entrySet().stream()
                .map(e -> "job_ref " + e.getKey() + " was sent to Runflow " + e.getValue()
                        + " more time(s) than the processors counted"));
        show(archiveProblems.stream().map(p -> "archive problem: " + p));
        show(s.inputs.stream()
                .distinct()
                .filter(id -> !s.routed.containsKey(id))
                .map(id -> "lost upload " + id + " (order " + s.orderOf.get(id) + "): " + s.where.get(id)));
        show(s.routed.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(e -> "upload " + e.getKey() + " routed " + e.getValue() + " times: " + s.where.get(e.getKey())));
        show(s.jobsPerOrder.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(e -> "order " + e.getKey() + " has " + e.getValue() + " HeadshotJobs"));
        show(s.archived.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(e -> "headshots " + e.getKey() + " archived " + e.getValue() + " times"));
        ChaosResult result = new ChaosResult(
                s.uploads(),
                s.routedDistinct(),
                s.lost(),
                s.duplicated(),
                s.outOfOrder(),
                s.jobsExtra(),
                s.archivedDistinct(),
                s.archiveDup(),
                ackedLost,
                archiveProblems.size(),
                unfinished,
                faults.kills(),
                faults.pauses(),
                faults.brokerRestarts(),
                seed);
        out.println(result.line());
        out.flush();
        return result;
    }

    /** Uploads meant to be scored that were dead-lettered, and dead-letter kinds that were scored. */
    private List<String> misrouted(Snapshot s) {
        List<String> misrouted = new ArrayList<>();
        for (Feeder.Upload u : feeder.uploads()) {
            boolean meantForDlq = u.kind() == Feeder.Kind.UNDECODABLE || u.kind() == Feeder.Kind.UNUSABLE_URI;
            if (!meantForDlq && s.dlqStage.containsKey(u.uploadId())) {
                misrouted.add(u.uploadId() + " (" + u.kind() + ", order " + u.orderId() + ") dead-lettered at stage "
                        + s.dlqStage.get(u.uploadId()));
            } else if (meantForDlq && s.scoredIds.contains(u.uploadId())) {
                misrouted.add(u.uploadId() + " (" + u.kind() + ") scored instead of dead-lettered");
            }
        }
        return misrouted;
    }

    private void show(Stream<String> details) {
        details.limit(SHOWN).forEach(d -> out.println("chaos: " + d));
    }
}
