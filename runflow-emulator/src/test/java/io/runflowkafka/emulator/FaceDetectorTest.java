package io.runflowkafka.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** OpenCV's natives and cascade load from the Maven artefacts alone, and find the faces in real photos. */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class FaceDetectorTest {

    private final FaceDetector detector = FaceDetector.shared();

    private List<FaceDetector.FaceBox> detect(BufferedImage image) {
        float[] luma = ImageAnalyzer.luma(image);
        double scale =
                Math.min(1.0, (double) FaceDetector.DETECTION_SIZE / Math.max(image.getWidth(), image.getHeight()));
        int w = (int) Math.round(image.getWidth() * scale);
        int h = (int) Math.round(image.getHeight() * scale);
        return detector.detect(ImageAnalyzer.boxResize(luma, image.getWidth(), image.getHeight(), w, h), w, h);
    }

    @Test
    void shouldLoadOpenCvFromTheClassPath() {
        assertThat(detector.available()).as(detector.unavailableReason()).isTrue();
    }

    @Test
    void shouldFindTheOneFaceOfEachRealPortraitWhereItIs() {
        // Eileen Collins: face centred at about (225, 115) of 512×512 → (141, 72) on the 320 px plane.
        assertThat(detect(Portraits.image("astronaut.png"))).singleElement().satisfies(face -> {
            assertThat(face.x() + face.width() / 2).isBetween(125, 155);
            assertThat(face.y() + face.height() / 2).isBetween(55, 90);
        });
        // Grace Hopper: face centred at about (264, 216) of 512×600 → (141, 115) on the 273×320 plane.
        assertThat(detect(Portraits.image("grace_hopper.jpg"))).singleElement().satisfies(face -> {
            assertThat(face.x() + face.width() / 2).isBetween(125, 157);
            assertThat(face.y() + face.height() / 2).isBetween(100, 130);
        });
    }

    @Test
    void shouldFindNoFaceInACupOfCoffeeACatOrAProfile() {
        assertThat(detect(Portraits.image("coffee.png"))).isEmpty();
        assertThat(detect(Portraits.image("chelsea.png"))).isEmpty();
        assertThat(detect(Portraits.image("camera.png"))).isEmpty();
    }

    @Test
    void shouldFindBothFacesOfTwoPeopleSideBySide() {
        List<FaceDetector.FaceBox> faces = detect(Portraits.twoPeople());

        assertThat(faces).hasSize(2);
        assertThat(faces.get(0).width()).isGreaterThanOrEqualTo(faces.get(1).width());
    }

    @Test
    void shouldFindTheDrawnFaceOfTheSandboxSamples() {
        BufferedImage portrait = SamplePhotos.portrait(20_240_601L, 1024, 1280);

        assertThat(detect(portrait)).hasSize(1);
        assertThat(detect(SamplePhotos.exposure(portrait, 0.25, 0))).hasSize(1);
        assertThat(detect(SamplePhotos.blur(portrait, 6))).hasSize(1);
    }

    @Test
    void shouldDetectInTensOfMillisecondsOfCpu() {
        BufferedImage photo = Portraits.image("grace_hopper.jpg");
        detect(photo); // this thread's classifier
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int runs = 20;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < runs; i++) {
            detect(photo);
        }
        double cpuMsPerDetection = (threads.getCurrentThreadCpuTime() - start) / 1e6 / runs;
        System.out.printf("face detection: %.1f ms of CPU per 320 px plane%n", cpuMsPerDetection);

        // A generous bound (measured ~30 ms on the shared build machine): catches a detector gone
        // quadratic or multi-threaded, not a slow machine.
        assertThat(cpuMsPerDetection).isLessThan(250);
    }
}
