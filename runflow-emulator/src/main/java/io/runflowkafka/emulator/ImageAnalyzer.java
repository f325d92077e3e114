package io.runflowkafka.emulator;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a photo with ImageIO (JPEG, PNG and, through the TwelveMonkeys plug-in, WebP) and measures
 * luminance, contrast and sharpness on a luma plane normalised to at most {@value #ANALYSIS_SIZE} px
 * on the long side, so sharpness is comparable across photo sizes and the cost is bounded.
 */
final class ImageAnalyzer {

    /** Faces at least this share of the largest one's width count as people in the photo. */
    static final double SECOND_FACE_SHARE = 0.5;

    /** Long side of the plane the measurements are taken on. */
    static final int ANALYSIS_SIZE = 512;
    /** Photos above this many pixels are refused, to stay clear of decompression bombs. */
    static final long MAX_PIXELS = 50_000_000L;

    static {
        // ImageIO would otherwise spool streams to the system temp folder.
        ImageIO.setUseCache(false);
    }

    private final FaceDetector detector;

    ImageAnalyzer() {
        this(FaceDetector.shared());
    }

    ImageAnalyzer(FaceDetector detector) {
        this.detector = detector;
    }

    ImageMetrics analyze(byte[] encoded) {
        BufferedImage image;
        int width;
        int height;
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
            if (readers == null || !readers.hasNext()) {
                throw new ApiError(422, "unsupported image format: send a JPEG, PNG or WebP photo");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                width = reader.getWidth(0);
                height = reader.getHeight(0);
                if ((long) width * height > MAX_PIXELS) {
                    throw new ApiError(422, "image too large: " + width + "x" + height + " px exceeds 50 megapixels");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                // Decoding every pixel of a big photo is wasted work: the plane is 512 px anyway.
                int step = Math.max(1, Math.max(width, height) / (2 * ANALYSIS_SIZE));
                param.setSourceSubsampling(step, step, 0, 0);
                image = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiError apiError) {
                throw apiError;
            }
            throw new ApiError(422, "image could not be decoded: the bytes are not a valid JPEG, PNG or WebP photo");
        }
        if (width < 1 || height < 1) {
            throw new ApiError(422, "image has no pixels");
        }
        float[] luma = luma(image);
        int sourceWidth = image.getWidth();
        int sourceHeight = image.getHeight();
        double scale = Math.min(1.0, (double) ANALYSIS_SIZE / Math.max(sourceWidth, sourceHeight));
        int planeWidth = Math.max(1, (int) Math.round(sourceWidth * scale));
        int planeHeight = Math.max(1, (int) Math.round(sourceHeight * scale));
        float[] plane = boxResize(luma, sourceWidth, sourceHeight, planeWidth, planeHeight);
        ImageMetrics.Region frame = measure(plane, planeWidth, 0, 0, planeWidth, planeHeight);
        return new ImageMetrics(width, height, frame, faces(plane, planeWidth, planeHeight, width));
    }

    /** Finds the faces on a smaller copy of the plane and measures the largest on the plane itself. */
    ImageMetrics.Faces faces(float[] plane, int w, int h, int originalWidth) {
        if (!detector.available()) {
            return ImageMetrics.Faces.NOT_SEARCHED;
        }
        double scale = Math.min(1.0, (double) FaceDetector.DETECTION_SIZE / Math.max(w, h));
        int dw = Math.max(1, (int) Math.round(w * scale));
        int dh = Math.max(1, (int) Math.round(h * scale));
        List<FaceDetector.FaceBox> boxes = detector.detect(boxResize(plane, w, h, dw, dh), dw, dh);
        if (boxes.isEmpty()) {
            return ImageMetrics.Faces.NONE;
        }
        FaceDetector.FaceBox main = boxes.get(0);
        int count = (int) boxes.stream()
                .filter(b -> b.width() >= SECOND_FACE_SHARE * main.width())
                .count();
        double toPlane = (double) w / dw;
        int x0 = clamp((int) Math.floor(main.x() * toPlane), 0, w - 1);
        int y0 = clamp((int) Math.floor(main.y() * toPlane), 0, h - 1);
        int x1 = clamp((int) Math.ceil((main.x() + main.width()) * toPlane), x0 + 1, w);
        int y1 = clamp((int) Math.ceil((main.y() + main.height()) * toPlane), y0 + 1, h);
        double widthPx = main.width() * (double) originalWidth / dw;
        return new ImageMetrics.Faces(true, count, widthPx, measure(plane, w, x0, y0, x1, y1));
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    /**
     * Luma of every pixel. Grey images are read from the raster: {@code getRGB} would push them through
     * a colour conversion that brightens them by about a third.
     */
    static float[] luma(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[w * h];
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (model.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY) {
            int bits = model.getComponentSize(0);
            float toByte = 255f / ((1 << bits) - 1);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] * toByte;
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                out[y * w + x] = 0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff) + 0.114f * (rgb & 0xff);
            }
        }
        return out;
    }

    // Hand-written area average: Java2D scaling would go back through the colour conversion avoided above.
    static float[] boxResize(float[] src, int sw, int sh, int dw, int dh) {
        if (sw == dw && sh == dh) {
            return src;
        }
        float[] dst = new float[dw * dh];
        for (int dy = 0; dy < dh; dy++) {
            int y0 = (int) ((long) dy * sh / dh);
            int y1 = Math.max(y0 + 1, (int) ((long) (dy + 1) * sh / dh));
            for (int dx = 0; dx < dw; dx++) {
                int x0 = (int) ((long) dx * sw / dw);
                int x1 = Math.max(x0 + 1, (int) ((long) (dx + 1) * sw / dw));
                double sum = 0;
                for (int y = y0; y < y1; y++) {
                    int base = y * sw;
                    for (int x = x0; x < x1; x++) {
                        sum += src[base + x];
                    }
                }
                dst[dy * dw + dx] = (float) (sum / ((y1 - y0) * (x1 - x0)));
            }
        }
        return dst;
    }

    /** Measures the rectangle [x0, x1) × [y0, y1) of a plane {@code w} pixels wide. */
    static ImageMetrics.Region measure(float[] plane, int w, int x0, int y0, int x1, int y1) {
        int[] histogram = new int[256];
        double sum = 0;
        double sumSquares = 0;
        long clipped = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                float v = plane[y * w + x];
                sum += v;
                sumSquares += (double) v * v;
                int bin = Math.min(255, Math.max(0, Math.round(v)));
                histogram[bin]++;
                if (bin >= 250) {
                    clipped++;
                }
            }
        }
        int n = (x1 - x0) * (y1 - y0);
        double mean = sum / n;
        double lumaVariance = Math.max(0, sumSquares / n - mean * mean);
        double spread = percentile(histogram, n, 0.98) - percentile(histogram, n, 0.02);

        double lapSum = 0;
        double lapSumSquares = 0;
        long count = 0;
        for (int y = y0 + 1; y < y1 - 1; y++) {
            for (int x = x0 + 1; x < x1 - 1; x++) {
                int i = y * w + x;
                double lap = plane[i - 1] + plane[i + 1] + plane[i - w] + plane[i + w] - 4.0 * plane[i];
                lapSum += lap;
                lapSumSquares += lap * lap;
                count++;
            }
        }
        double variance = count == 0 ? 0 : Math.max(0, lapSumSquares / count - (lapSum / count) * (lapSum / count));
        return new ImageMetrics.Region(mean, spread, (double) clipped / n, lumaVariance, variance);
    }

    private static int percentile(int[] histogram, int total, double fraction) {
        long target = (long) Math.ceil(total * fraction);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= target) {
                return i;
            }
        }
        return 255;
    }
}
