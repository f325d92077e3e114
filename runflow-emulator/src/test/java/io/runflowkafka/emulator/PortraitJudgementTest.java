package io.runflowkafka.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real photos and variants of them ({@code portraits/portraits.csv}) get the decision a person would
 * make choosing a selfie for headshots (accept at the 0.6 gate, or retake) and exactly the tips listed.
 */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class PortraitJudgementTest {

    /** The processor's default gate (processor.quality-threshold). */
    private static final double GATE = 0.6;

    private final ImageAnalyzer analyzer = new ImageAnalyzer();
    private final ScoreModel model = new ScoreModel();

    static Stream<Arguments> judgements() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Portraits.class.getResourceAsStream("/portraits/portraits.csv"), StandardCharsets.UTF_8))) {
            List<String> rows = in.lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("photo,"))
                    .toList();
            return rows.stream().map(line -> {
                String[] cells = line.split(",", -1);
                assertThat(cells).as(line).hasSize(8);
                Set<String> tips =
                        cells[3].equals("none") ? Set.of() : new TreeSet<>(Arrays.asList(cells[3].split("\\|")));
                return Arguments.of(cells[0], cells[1], cells[2], tips);
            });
        }
    }

    @ParameterizedTest(name = "{0} {1}: {2} {3}")
    @MethodSource("judgements")
    void shouldDecideAndAdviseAsAPersonWould(String photo, String variant, String decision, Set<String> tips) {
        ScoreReport report = model.score(analyzer.analyze(Portraits.variant(photo, variant)));

        System.out.printf(
                "| %s | %s | %.2f | %.1f | %.1f | %s |%n",
                photo, variant, report.qualityScore(), report.brightness(), report.sharpness(), report.tips());
        assertThat(report.qualityScore() >= GATE ? "accept" : "retake")
                .as("%s %s scored %s", photo, variant, report)
                .isEqualTo(decision);
        assertThat(names(report.tips()))
                .as("%s %s: %s", photo, variant, report.tips())
                .isEqualTo(tips);
    }

    /** A tip's name: its words before the colon, without the size in brackets. */
    private static Set<String> names(List<String> tips) {
        return tips.stream()
                .map(tip -> tip.substring(0, tip.indexOf(':')).replaceAll(" \\(.*\\)$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
