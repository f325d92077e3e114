package io.runflowkafka.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link ImageMetrics} into a {@link ScoreReport}. The quality score is the product of four
 * factors in 0–1 (exposure, contrast, sharpness, resolution), each 1 in its good range and falling
 * linearly outside it, so a single serious defect is enough to fail the 0.6 gate.
 */
final class ScoreModel {

    static final String TIP_DARK = "too dark: face a window or turn on a light";
    static final String TIP_BRIGHT = "too bright: step out of direct sunlight and turn off the flash";
    static final String TIP_WASHED_OUT = "washed out: low contrast, avoid backlight and haze and wipe the lens";
    static final String TIP_BLURRY = "blurry: hold the camera steady, tap to focus on the face and clean the lens";
    static final String TIP_LOW_RESOLUTION_PREFIX = "low resolution";

    /** Brightness (0–100) range judged well exposed. */
    static final double DARK_BELOW = 35;

    static final double BRIGHT_ABOVE = 80;
    /** Luma spread (p98 − p2) under which a photo looks washed out. */
    static final double FLAT_BELOW = 110;
    /** Sharpness (0–100) under which a photo looks blurred. */
    static final double BLURRY_BELOW = 50;
    /** Short side (px) under which a photo is too small for headshots. */
    static final int SMALL_BELOW = 720;
    /** Relative sharpness (Laplacian variance over luma variance) at which sharpness reaches 63 of 100. */
    static final double SHARPNESS_SCALE = 0.045;

    ScoreReport score(ImageMetrics m) {
        double brightness = round1(m.meanLuma() / 255.0 * 100.0);
        double sharpness = round1(100.0 * (1.0 - Math.exp(-m.relativeSharpness() / SHARPNESS_SCALE)));
        int shortSide = Math.min(m.width(), m.height());

        double exposure;
        if (brightness < DARK_BELOW) {
            exposure = ramp(brightness, 8, DARK_BELOW);
        } else if (brightness > BRIGHT_ABOVE) {
            exposure = ramp(100 - brightness, 0, 100 - BRIGHT_ABOVE);
        } else {
            exposure = 1.0;
        }
        exposure = Math.min(exposure, ramp(0.6 - m.highlightClipping(), 0.0, 0.45));
        double contrast = 0.3 + 0.7 * ramp(m.lumaSpread(), 30, FLAT_BELOW);
        double focus = ramp(sharpness, 15, BLURRY_BELOW + 5);
        double resolution = ramp(shortSide, 96, SMALL_BELOW);
        double quality = Math.round(exposure * contrast * focus * resolution * 100.0) / 100.0;

        List<String> tips = new ArrayList<>();
        if (brightness < DARK_BELOW) {
            tips.add(TIP_DARK);
        } else if (brightness > BRIGHT_ABOVE || m.highlightClipping() > 0.15) {
            tips.add(TIP_BRIGHT);
        }
        if (m.lumaSpread() < FLAT_BELOW && brightness >= DARK_BELOW) {
            // A dark photo is also flat; "too dark" already says what to do.
            tips.add(TIP_WASHED_OUT);
        }
        if (sharpness < BLURRY_BELOW) {
            tips.add(TIP_BLURRY);
        }
        if (shortSide < SMALL_BELOW) {
            tips.add(TIP_LOW_RESOLUTION_PREFIX + " (" + m.width() + "x" + m.height()
                    + " px): send the camera's original photo, at least " + SMALL_BELOW
                    + " px on the short side, not a thumbnail or screenshot");
        }
        return new ScoreReport(quality, brightness, sharpness, tips);
    }

    /** 0 at or below {@code zero}, 1 at or above {@code one}, linear between. */
    private static double ramp(double value, double zero, double one) {
        if (value <= zero) {
            return 0.0;
        }
        if (value >= one) {
            return 1.0;
        }
        return (value - zero) / (one - zero);
    }

    private static double round1(double value) {
        return Math.round(value * 10.0) / 10.0;
    }
}
