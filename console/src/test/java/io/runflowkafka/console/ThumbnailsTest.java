package io.runflowkafka.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Thumbnails are made only of images whose header claims no more than {@link Thumbnails#MAX_PIXELS} pixels. */
class ThumbnailsTest {

    @Test
    void shouldRefuseAnImageOverThePixelCapHoweverSmallItsBytes() throws IOException {
        byte[] png = blackPng(7100, 7100); // 50.4 MP in a few KiB
        assertThat(png.length).isLessThan(Thumbnails.MAX_SOURCE_BYTES / 100);
        assertThat(Thumbnails.scale(png)).isEmpty();
    }

    @Test
    void shouldScaleAnImageJustUnderTheCap() throws IOException {
        byte[] thumbnail = Thumbnails.scale(blackPng(7000, 7000)).orElseThrow(); // 49 MP
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumbnail));
        assertThat(image.getWidth()).isEqualTo(Thumbnails.MAX_SIDE);
        assertThat(image.getHeight()).isEqualTo(Thumbnails.MAX_SIDE);
    }

    @Test
    void shouldNotScaleBytesThatAreNoImage() throws IOException {
        assertThat(Thumbnails.scale(new byte[] {1, 2, 3, 4})).isEmpty();
    }

    /** A one-bit PNG: 6 MB in memory while it is written, a few KiB once compressed. */
    private static byte[] blackPng(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
