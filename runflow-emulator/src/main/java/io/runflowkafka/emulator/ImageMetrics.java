package io.runflowkafka.emulator;

/**
 * What the emulator measures in a photo before scoring it: the whole frame, and the main face where
 * one is found.
 *
 * @param width the photo's width in pixels, as encoded
 * @param height the photo's height in pixels, as encoded
 * @param frame the whole frame
 * @param faces the faces found
 */
record ImageMetrics(int width, int height, Region frame, Faces faces) {

    /** Floor of the luma variance used to normalise sharpness, so a nearly flat image does not divide by ~0. */
    static final double MIN_LUMA_VARIANCE = 100;

    /**
     * Measurements of one region of the analysis plane.
     *
     * @param meanLuma mean luma (Rec. 601, gamma-encoded), 0–255
     * @param lumaSpread spread between the 2nd and 98th luma percentiles, 0–255 (low = washed out)
     * @param highlightClipping share of pixels at or above luma 250
     * @param lumaVariance variance of luma at the analysis scale
     * @param laplacianVariance variance of the 3×3 Laplacian at the analysis scale (high = sharp)
     */
    record Region(
            double meanLuma,
            double lumaSpread,
            double highlightClipping,
            double lumaVariance,
            double laplacianVariance) {

        /**
         * Laplacian variance relative to the luma variance: edges' crispness independent of contrast, so
         * a dark or washed-out photo is not also called blurry.
         */
        double relativeSharpness() {
            return laplacianVariance / Math.max(lumaVariance, MIN_LUMA_VARIANCE);
        }
    }

    /**
     * The faces found.
     *
     * @param searched false when no face detector could be loaded on this platform
     * @param count faces at least half as wide as the largest (smaller ones are background)
     * @param widthPx the largest face's width in the photo's own pixels (0 when none)
     * @param main the largest face's region, or null when none
     */
    record Faces(boolean searched, int count, double widthPx, Region main) {

        static final Faces NOT_SEARCHED = new Faces(false, 0, 0, null);
        static final Faces NONE = new Faces(true, 0, 0, null);
    }
}
