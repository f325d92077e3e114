package io.runflowkafka.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PhotoScoringTest {

    private static BufferedImage portrait;
    private static ScoreReport sharpWellLit;

    private final ImageAnalyzer analyzer = new ImageAnalyzer();
    private final ScoreModel model = new ScoreModel();

    @BeforeAll
    static void drawPortrait() {
        portrait = SamplePhotos.portrait(42, 1024, 1280);
        sharpWellLit = new ScoreModel().score(new ImageAnalyzer().analyze(SamplePhotos.jpeg(portrait, 0.9f)));
    }

    private ScoreReport score(byte[] bytes) {
        return model.score(analyzer.analyze(bytes));
    }

    @Test
    void shouldPassASharpWellLitPortraitWithoutTips() {
        assertThat(sharpWellLit.qualityScore()).isGreaterThanOrEqualTo(0.6);
        assertThat(sharpWellLit.brightness()).isBetween(35.0, 80.0);
        assertThat(sharpWellLit.sharpness()).isGreaterThan(60.0);
        assertThat(sharpWellLit.tips()).isEmpty();
    }

    @Test
    void shouldScoreADarkenedPhotoLowerAndSayItIsTooDark() {
        ScoreReport dark = score(SamplePhotos.jpeg(SamplePhotos.exposure(portrait, 0.3, 0), 0.9f));

        assertThat(dark.qualityScore()).isLessThan(0.6).isLessThan(sharpWellLit.qualityScore());
        assertThat(dark.brightness()).isLessThan(sharpWellLit.brightness());
        assertThat(dark.tips()).contains(ScoreModel.TIP_DARK).noneMatch(tip -> tip.startsWith("blurry"));
    }

    @Test
    void shouldScoreABlurredPhotoLowerAndSayItIsBlurry() {
        ScoreReport blurred = score(SamplePhotos.jpeg(SamplePhotos.blur(portrait, 6), 0.9f));

        assertThat(blurred.qualityScore()).isLessThan(0.6);
        assertThat(blurred.sharpness()).isLessThan(sharpWellLit.sharpness());
        assertThat(blurred.tips()).containsExactly(ScoreModel.TIP_BLURRY);
    }

    @Test
    void shouldScoreAShrunkPhotoLowerAndNameItsResolutionThoughItLooksSharp() {
        ScoreReport small = score(SamplePhotos.jpeg(SamplePhotos.resize(portrait, 200, 250), 0.9f));

        assertThat(small.qualityScore()).isLessThan(0.6);
        assertThat(small.sharpness()).isGreaterThan(60.0);
        assertThat(small.tips()).singleElement().asString().startsWith("low resolution (200x250 px)");
    }

    @Test
    void shouldScoreAWashedOutPhotoLowerAndSayItIsWashedOut() {
        ScoreReport washedOut = score(SamplePhotos.jpeg(SamplePhotos.exposure(portrait, 0.35, 150), 0.9f));

        assertThat(washedOut.qualityScore()).isLessThan(sharpWellLit.qualityScore());
        assertThat(washedOut.tips()).contains(ScoreModel.TIP_WASHED_OUT);
    }

    @Test
    void shouldReadAGreyscalePhotoAsBrightAsItsColourOriginal() {
        BufferedImage grey = new BufferedImage(portrait.getWidth(), portrait.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.drawImage(portrait, 0, 0, null);
        g.dispose();

        ScoreReport report = score(SamplePhotos.encode(grey, "png"));

        assertThat(report.brightness()).isCloseTo(sharpWellLit.brightness(), org.assertj.core.data.Offset.offset(3.0));
    }

    @Test
    void shouldScorePngAndWebPPhotos() throws IOException {
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/photos/portrait-800x1000.webp")) {
            webp = in.readAllBytes();
        }

        assertThat(score(SamplePhotos.encode(portrait, "png")).qualityScore()).isGreaterThanOrEqualTo(0.6);
        ScoreReport fromWebp = score(webp);
        assertThat(fromWebp.qualityScore()).isGreaterThanOrEqualTo(0.6);
        assertThat(fromWebp.tips()).isEmpty();
    }

    @Test
    void shouldScoreTheWholeFrameWhenNoFaceDetectorLoads() {
        ImageAnalyzer withoutFaces = new ImageAnalyzer(new FaceDetector("no-such-cascade.xml"));

        ScoreReport good = model.score(withoutFaces.analyze(SamplePhotos.jpeg(portrait, 0.9f)));
        ScoreReport small =
                model.score(withoutFaces.analyze(SamplePhotos.jpeg(SamplePhotos.resize(portrait, 200, 250), 0.9f)));

        assertThat(good.qualityScore()).isGreaterThanOrEqualTo(0.6);
        assertThat(good.tips()).isEmpty();
        assertThat(small.qualityScore()).isLessThan(0.6);
        assertThat(small.tips()).singleElement().asString().startsWith("low resolution (200x250 px): at least 400 px");
    }

    @Test
    void shouldGiveTheSameAnswerForTheSameBytes() {
        byte[] jpeg = SamplePhotos.jpeg(SamplePhotos.blur(portrait, 2), 0.8f);

        assertThat(score(jpeg)).isEqualTo(score(jpeg));
    }

    @Test
    void shouldRefuseBytesThatAreNotAPhotoWithAClearMessage() {
        assertThatThrownBy(() ->
                        analyzer.analyze("%PDF-1.7 not a photo".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.detail()).contains("JPEG, PNG or WebP");
                });
        byte[] truncated = java.util.Arrays.copyOf(SamplePhotos.jpeg(portrait, 0.9f), 300);
        assertThatThrownBy(() -> analyzer.analyze(truncated)).isInstanceOf(ApiError.class);
    }
}
