package io.runflowkafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker's counting, on hand-made snapshots: a checker that cannot see a failure proves nothing. */
class SnapshotTest {

    private static Snapshot fed(String order, String... ids) {
        Snapshot s = new Snapshot();
        for (String id : ids) {
            s.inputs.add(id);
            s.inputOrder.computeIfAbsent(order, k -> new ArrayList<>()).add(id);
            s.orderOf.put(id, order);
        }
        return s;
    }

    private static void out(Snapshot s, String topic, String order, String... ids) {
        for (String id : ids) {
            s.routed.merge(id, 1, Integer::sum);
            s.outputOrder
                    .computeIfAbsent(topic + "|" + order, k -> new ArrayList<>())
                    .add(id);
        }
    }

    @Test
    void shouldCountNothingWhenEveryUploadIsRoutedOnceInOrder() {
        Snapshot s = fed("o1", "a", "b", "c", "d");
        out(s, "photos.accepted", "o1", "a", "c");
        out(s, "photos.retake", "o1", "b", "d");
        assertThat(List.of(s.lost(), s.duplicated(), s.outOfOrder())).containsOnly(0);
        assertThat(s.settled(4)).isTrue();
    }

    @Test
    void shouldCountLostDuplicatedAndReorderedUploads() {
        Snapshot s = fed("o1", "a", "b", "c", "d");
        out(s, "photos.accepted", "o1", "c", "a", "a");
        out(s, "photos.retake", "o1", "d");
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.duplicated()).isEqualTo(1);
        assertThat(s.outOfOrder()).isEqualTo(1);
        assertThat(s.settled(4)).isFalse();
    }

    @Test
    void shouldCountExtraJobsAndArchivesAndReissuedRunflowJobs() {
        Snapshot s = fed("o1", "a");
        s.jobsPerOrder.put("o1", 2);
        s.jobsPerOrder.put("o2", 1);
        s.jobHeadshotsIds.add("h1");
        s.jobRefs.add("ref1");
        s.completed.put("h1", 60);
        s.completedJobRef.put("h1", "ref1");
        s.completed.put("h2", 60);
        s.completedJobRef.put("h2", "ref1");
        s.completed.put("h3", 60);
        s.completedJobRef.put("h3", "nobody");
        s.archived.put("h1", 2);
        s.archived.put("h2", 1);
        assertThat(s.jobsExtra()).isEqualTo(1);
        assertThat(s.archiveDup()).isEqualTo(1);
        assertThat(s.completionsReissued()).isEqualTo(1);
        assertThat(s.completionsUnknown()).isEqualTo(1);
        assertThat(s.completionsNotArchived()).containsExactly("h3");
    }
}
