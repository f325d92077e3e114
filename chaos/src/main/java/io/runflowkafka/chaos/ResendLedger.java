package io.runflowkafka.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which re-sent Generate Headshots submissions the processors counted. The processor increments
 * {@code headshots_submissions_reissued_total} where it logs "sending again the Generate Headshots submission …
 * (job_ref …)", and a killed JVM's counter dies with it, so the checker reads the processors' log files (files
 * only, no service code): a job_ref with k extra Runflow jobs must have at least k such lines.
 */
final class ResendLedger {

    private static final Pattern COUNTED = Pattern.compile(
            "sending again the Generate Headshots submission of order " + "\\S+ \\(job_ref ([0-9a-fA-F-]+)\\)");

    private ResendLedger() {}

    /** job_ref → re-sends the processors counted, from every {@code processor*.log} under {@code logs}. */
    static Map<String, Integer> counted(Path logs) throws IOException {
        Map<String, Integer> counted = new HashMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("processor"))
                    .toList()) {
                try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
                    lines.forEach(line -> {
                        Matcher matcher = COUNTED.matcher(line);
                        if (matcher.find()) {
                            counted.merge(matcher.group(1), 1, Integer::sum);
                        }
                    });
                }
            }
        }
        return counted;
    }

    /** job_ref → re-sends at Runflow that no processor counted (extra Runflow jobs beyond the counted re-sends). */
    static Map<String, Integer> uncounted(Map<String, List<String>> extraJobsByJobRef, Map<String, Integer> counted) {
        Map<String, Integer> uncounted = new TreeMap<>();
        extraJobsByJobRef.forEach((jobRef, extra) -> {
            int missing = extra.size() - counted.getOrDefault(jobRef, 0);
            if (missing > 0) {
                uncounted.put(jobRef, missing);
            }
        });
        return uncounted;
    }
}
