package io.runflowkafka.emulator;

/**
 * What the emulator measures in a photo before scoring it.
 *
 * @param width the photo's width in pixels, as encoded
 * @param height the photo's height in pixels, as encoded
 * @param meanLuma mean luma (Rec. 601, gamma-encoded), 0–255
 * @param lumaSpread spread between the 2nd and 98th luma percentiles, 0–255 (low = washed out)
 * @param highlightClipping share of pixels at or above luma 250
 * @param lumaVariance variance of luma at the analysis scale
 * @param laplacianVariance variance of the 3×3 Laplacian at the analysis scale (high = sharp)
 */
record ImageMetrics(
        int width,
        int height,
        double meanLuma,
        double lumaSpread,
        double highlightClipping,
        double lumaVariance,
        double laplacianVariance) {

    /** Floor of the luma variance used to normalise sharpness, so a nearly flat image does not divide by ~0. */
    static final double MIN_LUMA_VARIANCE = 100;

    /**
     * Laplacian variance relative to the luma variance: edges' crispness independent of contrast, so
     * a dark or washed-out photo is not also called blurry.
     */
    double relativeSharpness() {
        return laplacianVariance / Math.max(lumaVariance, MIN_LUMA_VARIANCE);
    }
}
