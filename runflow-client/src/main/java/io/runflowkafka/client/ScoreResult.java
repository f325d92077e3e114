package io.runflowkafka.client;

import java.util.List;
import java.util.Objects;

/**
 * The answer of Score Image: an overall quality in 0.0–1.0, brightness and sharpness in 0–100, and
 * tips a person can act on to take a better photo.
 *
 * @param qualityScore overall quality, 0.0 (unusable) to 1.0 (excellent)
 * @param brightness mean brightness, 0 (black) to 100 (white)
 * @param sharpness sharpness, 0 (blurred) to 100 (crisp)
 * @param tips improvement suggestions, empty when there is nothing to improve
 */
public record ScoreResult(double qualityScore, double brightness, double sharpness, List<String> tips) {

    /** Checks the ranges the API documents and freezes the tips. */
    public ScoreResult {
        requireRange("quality_score", qualityScore, 1.0);
        requireRange("brightness", brightness, 100.0);
        requireRange("sharpness", sharpness, 100.0);
        tips = List.copyOf(Objects.requireNonNull(tips, "tips"));
    }

    private static void requireRange(String name, double value, double max) {
        if (!(value >= 0.0 && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [0, " + max + "] but was " + value);
        }
    }
}
