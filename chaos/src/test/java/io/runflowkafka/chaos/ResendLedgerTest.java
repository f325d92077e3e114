package io.runflowkafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResendLedgerTest {

    @TempDir
    Path logs;

    @Test
    void shouldReportTheReSendsNoProcessorLogged() throws Exception {
        Files.writeString(
                logs.resolve("processor-1.log"),
                String.join(
                        "\n",
                        "12:00:01.000 WARN  [t] i.r.p.o.SubmissionProcessor - sending again the Generate Headshots submission "
                                + "of order order-7 (job_ref 0a1b2c3d-0000-4000-8000-000000000001) left unanswered by an earlier",
                        "12:00:02.000 INFO  [t] something else (job_ref 0a1b2c3d-0000-4000-8000-000000000002)"));
        Files.writeString(
                logs.resolve("processor-2.log"),
                "12:00:03.000 WARN  [t] i.r.p.o.SubmissionProcessor - "
                        + "sending again the Generate Headshots submission of order order-7 (job_ref "
                        + "0a1b2c3d-0000-4000-8000-000000000001) left unanswered\n");
        Files.writeString(
                logs.resolve("bridge-1.log"),
                "sending again the Generate Headshots submission of order o "
                        + "(job_ref 0a1b2c3d-0000-4000-8000-000000000002)\n");

        Map<String, Integer> counted = ResendLedger.counted(logs);

        assertThat(counted).containsExactly(Map.entry("0a1b2c3d-0000-4000-8000-000000000001", 2));
        assertThat(ResendLedger.uncounted(
                        Map.of(
                                "0a1b2c3d-0000-4000-8000-000000000001", List.of("h1", "h2"),
                                "0a1b2c3d-0000-4000-8000-000000000002", List.of("h3")),
                        counted))
                .containsExactly(Map.entry("0a1b2c3d-0000-4000-8000-000000000002", 1));
    }
}
