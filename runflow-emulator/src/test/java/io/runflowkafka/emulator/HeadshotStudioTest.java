package io.runflowkafka.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HeadshotStudioTest {

    private final HeadshotStudio studio = new HeadshotStudio();

    @Test
    void shouldRenderSixtyDistinctValidJpegsOfAbout200KbFromTheInput() throws Exception {
        UUID job = UUID.fromString("0b7e5b52-2a4f-4f0e-9d51-4f7fa3d1c001");
        byte[] input = SamplePhotos.jpeg(SamplePhotos.portrait(3, 1024, 1280), 0.9f);

        List<byte[]> looks = studio.render(job, List.of(input));

        Set<String> distinct = new HashSet<>();
        for (int n = 1; n <= HeadshotJobs.IMAGES_PER_JOB; n++) {
            byte[] jpeg = HeadshotStudio.image(looks, job, n);
            distinct.add(java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(jpeg)));
            assertThat(jpeg.length).isBetween(120_000, 300_000);
            if (n <= HeadshotStudio.LOOKS + 1) {
                BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
                assertThat(decoded).isNotNull();
                assertThat(decoded.getWidth()).isEqualTo(HeadshotStudio.WIDTH);
                assertThat(decoded.getHeight()).isEqualTo(HeadshotStudio.HEIGHT);
            }
        }
        assertThat(distinct).hasSize(HeadshotJobs.IMAGES_PER_JOB);
    }

    @Test
    void shouldRenderTheSameBytesForTheSameJobAndInputs() {
        UUID job = UUID.fromString("0b7e5b52-2a4f-4f0e-9d51-4f7fa3d1c002");
        byte[] input = SamplePhotos.jpeg(SamplePhotos.portrait(4, 640, 800), 0.9f);

        assertThat(studio.render(job, List.of(input)))
                .usingElementComparator(java.util.Arrays::compare)
                .containsExactlyElementsOf(studio.render(job, List.of(input)));
    }

    @Test
    void shouldFallBackToADrawnPortraitWhenNoInputDecodes() throws IOException {
        List<byte[]> looks = studio.render(UUID.randomUUID(), List.of(new byte[] {1, 2, 3}));

        assertThat(ImageIO.read(new ByteArrayInputStream(looks.get(0)))).isNotNull();
    }
}
