package io.runflowkafka.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;

/** The counts the run reports, from one snapshot. */
final class Snapshot {
    final List<String> inputs = new ArrayList<>();
    final Map<String, List<String>> inputOrder = new LinkedHashMap<>();
    final Map<String, String> orderOf = new HashMap<>();
    final Map<String, Integer> routed = new HashMap<>();
    /** Upload id → where its input and output records sit (see {@link Checker}), to explain a loss or a copy. */
    final Map<String, List<String>> where = new HashMap<>();

    final Map<String, List<String>> outputOrder = new LinkedHashMap<>();
    final Set<String> ordersWithAccepted = new java.util.HashSet<>();
    int accepted;
    int retake;
    int dlq;
    final Map<String, Integer> jobsPerOrder = new HashMap<>();
    final Set<String> jobHeadshotsIds = new java.util.HashSet<>();
    final Set<String> jobsDlqOrders = new java.util.HashSet<>();
    final List<String> foreignDeadLetters = new ArrayList<>();
    final Map<String, String> dlqStage = new HashMap<>();
    final Set<String> scoredIds = new java.util.HashSet<>();
    final Set<String> jobRefs = new java.util.HashSet<>();
    final Map<String, String> completedJobRef = new HashMap<>();
    final Map<String, Integer> completed = new HashMap<>();
    final Set<String> completedDlq = new java.util.HashSet<>();
    final Map<String, Integer> archived = new HashMap<>();
    final Map<String, GenericRecord> archivedEvents = new HashMap<>();

    int uploads() {
        return (int) inputs.stream().distinct().count();
    }

    int routedDistinct() {
        return (int) inputs.stream().distinct().filter(routed::containsKey).count();
    }

    int lost() {
        return uploads() - routedDistinct();
    }

    int duplicated() {
        return routed.values().stream().mapToInt(c -> c - 1).sum();
    }

    /** Outputs (per topic and order) whose upload ids are not a subsequence of the order's input sequence. */
    int outOfOrder() {
        int bad = 0;
        for (Map.Entry<String, List<String>> entry : outputOrder.entrySet()) {
            String order = entry.getKey().substring(entry.getKey().indexOf('|') + 1);
            List<String> input = inputOrder.getOrDefault(order, List.of());
            Map<String, Integer> position = new HashMap<>();
            for (int i = 0; i < input.size(); i++) {
                position.putIfAbsent(input.get(i), i);
            }
            int last = -1;
            Set<String> seen = new java.util.HashSet<>();
            for (String id : entry.getValue()) {
                if (!seen.add(id)) {
                    continue; // a second copy is counted as duplicated, not also as out of order
                }
                int at = position.getOrDefault(id, -1);
                if (at < last) {
                    bad++;
                }
                last = Math.max(last, at);
            }
        }
        return bad;
    }

    int jobsExtra() {
        return jobsPerOrder.values().stream().mapToInt(c -> Math.max(0, c - 1)).sum();
    }

    int archivedDistinct() {
        return archived.size();
    }

    int archiveDup() {
        return archived.values().stream().mapToInt(c -> c - 1).sum();
    }

    /** Orders with an accepted photo but no job (yet). */
    Set<String> ordersWithoutJob() {
        return ordersWithAccepted.stream()
                .filter(o -> !jobsPerOrder.containsKey(o) && !jobsDlqOrders.contains(o))
                .collect(Collectors.toSet());
    }

    /** Jobs whose completion has not (yet) reached headshots.completed. */
    Set<String> jobsNotCompleted() {
        return jobHeadshotsIds.stream().filter(id -> !completed.containsKey(id)).collect(Collectors.toSet());
    }

    /**
     * Completions of a Runflow job other than the one the order's HeadshotJob names, for a job_ref that has a
     * HeadshotJob: a submission re-sent at Runflow after a crash (allowed, and counted by the processor's
     * {@code headshots_submissions_reissued_total}).
     */
    int completionsReissued() {
        return (int) completed.keySet().stream()
                .filter(id -> !jobHeadshotsIds.contains(id) && jobRefs.contains(completedJobRef.get(id)))
                .count();
    }

    /** job_ref → headshots ids of the re-sent Runflow jobs (see {@link #completionsReissued()}). */
    Map<String, List<String>> reissuedByJobRef() {
        return completed.keySet().stream()
                .filter(id -> !jobHeadshotsIds.contains(id) && jobRefs.contains(completedJobRef.get(id)))
                .collect(Collectors.groupingBy(completedJobRef::get, java.util.TreeMap::new, Collectors.toList()));
    }

    /** Completions whose job_ref no HeadshotJob carries. */
    int completionsUnknown() {
        return (int) completed.keySet().stream()
                .filter(id -> !jobRefs.contains(completedJobRef.get(id)))
                .count();
    }

    /** Completions neither archived nor dead-lettered (yet). */
    Set<String> completionsNotArchived() {
        return completed.keySet().stream()
                .filter(id -> !archived.containsKey(id) && !completedDlq.contains(id))
                .collect(Collectors.toSet());
    }

    /** Whether the pipeline has drained: every upload routed, every order's job run and archived. */
    boolean settled(int expectedUploads) {
        return uploads() >= expectedUploads
                && lost() == 0
                && ordersWithoutJob().isEmpty()
                && jobsNotCompleted().isEmpty()
                && completionsNotArchived().isEmpty();
    }
}
