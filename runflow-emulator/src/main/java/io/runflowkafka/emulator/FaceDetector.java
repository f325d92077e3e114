package io.runflowkafka.emulator;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_objdetect;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds frontal faces with OpenCV's cascade classifier ({@value #CASCADE}, shipped in the
 * {@code org.bytedeco:opencv} natives jar), on the analysis plane's luma after histogram
 * equalisation, so a dark or washed-out face is still found.
 *
 * <p>The natives load once per JVM, when the first {@link ImageAnalyzer} is built. Where they cannot load (a platform whose natives are not
 * on the class path), {@link #available()} is false, the reason is logged once, and photos are
 * scored on the whole frame as before. A {@link CascadeClassifier} is not safe for concurrent use:
 * each thread gets its own.
 */
final class FaceDetector {

    private static final Logger LOG = LoggerFactory.getLogger(FaceDetector.class);

    /** The cascade used: fewer false positives than {@code haarcascade_frontalface_default}. */
    static final String CASCADE = "haarcascade_frontalface_alt2.xml";

    /** Long side of the plane faces are looked for on (faces in a selfie are large; this bounds the cost). */
    static final int DETECTION_SIZE = 320;

    /** A face narrower than this share of the plane's short side is not looked for (background faces). */
    static final double MIN_FACE_SHARE = 0.12;

    /** Scale step between detection passes (OpenCV's scaleFactor); larger is faster, coarser. */
    static final double SCALE_STEP = 1.2;

    private static final FaceDetector SHARED = new FaceDetector("haarcascades/" + CASCADE);

    private final String cascadePath;
    private final String unavailableReason;
    private final ThreadLocal<CascadeClassifier> classifiers;

    FaceDetector(String cascade) {
        String path = null;
        String reason = null;
        long start = System.nanoTime();
        try {
            Loader.load(opencv_objdetect.class);
            // One thread per detection: the emulator's analysis pool already runs one per core.
            opencv_core.setNumThreads(1);
            File file = Loader.cacheResource(
                    opencv_objdetect.class,
                    "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/" + cascade);
            path = file.getAbsolutePath();
            LOG.info(
                    "face detection: OpenCV natives for {} and {} loaded in {} ms",
                    Loader.getPlatform(),
                    cascade,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | LinkageError e) { // missing natives or cascade: no detector, not a failure
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn(
                    "face detection unavailable on {} ({}); photos are scored on the whole frame",
                    System.getProperty("os.name") + "/" + System.getProperty("os.arch"),
                    reason);
        }
        this.cascadePath = path;
        this.unavailableReason = reason;
        this.classifiers = ThreadLocal.withInitial(() -> {
            CascadeClassifier classifier = new CascadeClassifier(cascadePath);
            if (classifier.empty()) {
                throw new IllegalStateException("OpenCV could not read the cascade " + cascadePath);
            }
            return classifier;
        });
    }

    /** The detector of this JVM (loads the natives on first call). */
    static FaceDetector shared() {
        return SHARED;
    }

    boolean available() {
        return cascadePath != null;
    }

    /** Why the detector is unavailable, or null. */
    String unavailableReason() {
        return unavailableReason;
    }

    /**
     * The faces in a luma plane (0–255, row-major), largest first, in plane coordinates.
     *
     * @throws IllegalStateException if the detector is unavailable
     */
    List<FaceBox> detect(float[] plane, int width, int height) {
        if (!available()) {
            throw new IllegalStateException("face detection unavailable: " + unavailableReason);
        }
        byte[] bytes = new byte[width * height];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Math.min(255, Math.max(0, Math.round(plane[i])));
        }
        int minFace = Math.max(20, (int) Math.round(Math.min(width, height) * MIN_FACE_SHARE));
        try (Mat grey = new Mat(height, width, CV_8UC1);
                Mat equalised = new Mat();
                RectVector found = new RectVector();
                Size min = new Size(minFace, minFace);
                Size max = new Size()) {
            grey.data().put(bytes);
            equalizeHist(grey, equalised);
            classifiers.get().detectMultiScale(equalised, found, SCALE_STEP, 4, 0, min, max);
            List<FaceBox> faces = new ArrayList<>((int) found.size());
            for (long i = 0; i < found.size(); i++) {
                Rect r = found.get(i);
                faces.add(new FaceBox(r.x(), r.y(), r.width(), r.height()));
                r.close();
            }
            faces.sort((a, b) -> Integer.compare(b.width() * b.height(), a.width() * a.height()));
            return faces;
        }
    }

    /** A face's bounding box in plane pixels. */
    record FaceBox(int x, int y, int width, int height) {}
}
