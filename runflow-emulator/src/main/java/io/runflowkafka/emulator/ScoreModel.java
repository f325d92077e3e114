package io.runflowkafka.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link ImageMetrics} into a {@link ScoreReport}, judging the photo as a selfie for headshots.
 * Exposure, contrast and sharpness are measured on the main face where one is found (so a bright
 * window behind the person or a dark room around them does not decide), otherwise on the whole frame.
 *
 * <p>The quality score is the product of factors in 0–1 (exposure, contrast, focus, resolution, one
 * person, a face at all), each 1 in its good range, so a single serious defect is enough to fail the
 * 0.6 gate. A factor under {@value #TIP_BELOW} names its problem in a tip; the ramps are set so that
 * a factor fails the gate on its own only well past the point where its tip starts.
 */
final class ScoreModel {

    static final String TIP_DARK = "too dark: face a window or turn on a light";
    static final String TIP_BRIGHT = "too bright: step out of direct sunlight and turn off the flash";
    static final String TIP_WASHED_OUT = "washed out: low contrast, avoid backlight and haze and wipe the lens";
    static final String TIP_BLURRY = "blurry: hold the camera steady, tap to focus on the face and clean the lens";
    static final String TIP_NO_FACE =
            "no face found: look straight at the camera with your whole face in the frame and nothing covering it";
    static final String TIP_MORE_THAN_ONE_PERSON =
            "more than one person: take the photo of yourself alone, with nobody else in the frame";
    static final String TIP_LOW_RESOLUTION_PREFIX = "low resolution";

    /** A factor under this names its problem in a tip. */
    static final double TIP_BELOW = 0.8;

    /**
     * Width the face must have, in the photo's own pixels (the detector's box, brows to mouth): the
     * emulator's headshots are 800×1000 px with the face about 300 px wide, so a smaller face would
     * be enlarged more than about 3.3×.
     */
    static final int FACE_WIDTH_NEEDED = 90;
    /** Short side needed when no face was found to measure (or face detection is unavailable). */
    static final int SHORT_SIDE_NEEDED = 400;
    /** A photo without a face, or with several people, keeps at most this share of its score. */
    static final double NOT_ONE_PERSON = 0.5;
    /** Relative sharpness (Laplacian variance over luma variance) at which sharpness reaches 63 of 100. */
    static final double SHARPNESS_SCALE = 0.045;

    /** Face brightness (0–100): the factor's ramp at the dark end and at the bright end. */
    static final Ramp FACE_DARK = new Ramp(17, 42);

    static final Ramp FACE_BRIGHT = new Ramp(100 - 5, 100 - 30);
    /** Face luma spread (p98 − p2, 0–255): under this the face looks washed out. */
    static final Ramp FACE_FLAT = new Ramp(60, 140);
    /** Whole-frame ramps, used when no face is found: the frame holds background as well. */
    static final Ramp FRAME_DARK = new Ramp(8, 35);

    static final Ramp FRAME_BRIGHT = new Ramp(100, 80);
    static final Ramp FRAME_FLAT = new Ramp(30, 110);
    /** Share of clipped highlights (luma ≥ 250): the factor falls from 1 at 5 % to 0 at 30 %. */
    static final Ramp CLIPPED = new Ramp(0.30, 0.05);
    /** Sharpness (0–100). */
    static final Ramp FOCUS = new Ramp(15, 55);

    ScoreReport score(ImageMetrics m) {
        ImageMetrics.Faces faces = m.faces();
        ImageMetrics.Region face = faces.main();
        ImageMetrics.Region judged = face != null ? face : m.frame();
        double brightness = round1(judged.meanLuma() / 255.0 * 100.0);
        double sharpness = round1(100.0 * (1.0 - Math.exp(-judged.relativeSharpness() / SHARPNESS_SCALE)));

        double dark = (face != null ? FACE_DARK : FRAME_DARK).factor(brightness);
        double brightLevel = (face != null ? FACE_BRIGHT : FRAME_BRIGHT).factor(brightness);
        double clipped = CLIPPED.factor(judged.highlightClipping());
        double bright = Math.min(brightLevel, clipped);
        double contrast = (face != null ? FACE_FLAT : FRAME_FLAT).factor(judged.lumaSpread());
        double focus = FOCUS.factor(sharpness);
        int shortSide = Math.min(m.width(), m.height());
        boolean small = face != null ? faces.widthPx() < FACE_WIDTH_NEEDED : shortSide < SHORT_SIDE_NEEDED;
        double resolution = !small
                ? 1.0
                : 0.55 * (face != null ? faces.widthPx() / FACE_WIDTH_NEEDED : (double) shortSide / SHORT_SIDE_NEEDED);
        boolean noFace = faces.searched() && face == null;
        boolean severalPeople = faces.count() > 1;
        double people = noFace || severalPeople ? NOT_ONE_PERSON : 1.0;
        double quality = dark * bright * contrast * focus * resolution * people;

        List<String> tips = new ArrayList<>();
        if (noFace) {
            tips.add(TIP_NO_FACE);
        }
        if (severalPeople) {
            tips.add(TIP_MORE_THAN_ONE_PERSON);
        }
        if (dark < TIP_BELOW) {
            // A dark photo is also flat; "too dark" already says what to do.
            tips.add(TIP_DARK);
        } else if (contrast < TIP_BELOW) {
            tips.add(TIP_WASHED_OUT);
        }
        // A washed-out photo is light but not overexposed: "too bright" only with clipped highlights,
        // or when the face is light and still has its contrast.
        if (clipped < TIP_BELOW || (brightLevel < TIP_BELOW && contrast >= TIP_BELOW)) {
            tips.add(TIP_BRIGHT);
        }
        if (focus < TIP_BELOW) {
            tips.add(TIP_BLURRY);
        }
        if (small) {
            tips.add(TIP_LOW_RESOLUTION_PREFIX + " (" + m.width() + "x" + m.height() + " px): "
                    + (face != null
                            ? "your face is " + Math.round(faces.widthPx()) + " px wide, headshots need at least "
                                    + FACE_WIDTH_NEEDED + "; "
                            : "at least " + SHORT_SIDE_NEEDED + " px on the short side; ")
                    + "send the camera's original photo or come closer, not a thumbnail or screenshot");
        }
        return new ScoreReport(Math.round(quality * 100.0) / 100.0, brightness, sharpness, tips);
    }

    /**
     * A linear ramp: 0 at {@code zero}, 1 at {@code one} and beyond, either direction.
     *
     * @param zero where the factor reaches 0
     * @param one where the factor reaches 1
     */
    record Ramp(double zero, double one) {

        double factor(double value) {
            double t = (value - zero) / (one - zero);
            return Math.max(0.0, Math.min(1.0, t));
        }
    }

    private static double round1(double value) {
        return Math.round(value * 10.0) / 10.0;
    }
}
