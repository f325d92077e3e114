package io.runflowkafka.emulator;

import java.util.List;

/**
 * The Score Image answer, exactly the fields of the contract.
 *
 * @param qualityScore overall quality, 0.0–1.0, two decimals
 * @param brightness mean brightness, 0–100, one decimal
 * @param sharpness sharpness, 0–100, one decimal
 * @param tips actionable tips naming each problem found
 */
record ScoreReport(double qualityScore, double brightness, double sharpness, List<String> tips) {

    ScoreReport {
        tips = List.copyOf(tips);
    }
}
