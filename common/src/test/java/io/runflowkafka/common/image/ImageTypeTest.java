package io.runflowkafka.common.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageTypeTest {

    static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'};
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    static final byte[] WEBP = {'R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};

    @Test
    void shouldRecogniseEachFormatByItsMagicBytes() {
        assertThat(ImageType.sniff(JPEG)).contains(ImageType.JPEG);
        assertThat(ImageType.sniff(PNG)).contains(ImageType.PNG);
        assertThat(ImageType.sniff(WEBP)).contains(ImageType.WEBP);
    }

    @Test
    void shouldRecogniseNothingElse() {
        assertThat(ImageType.sniff("<html><body>".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageType.sniff("GIF89a......".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageType.sniff("RIFF....WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageType.sniff(new byte[] {(byte) 0xff, (byte) 0xd8})).isEmpty();
        assertThat(ImageType.sniff(new byte[0])).isEmpty();
    }

    @Test
    void shouldReadContentTypesWithParametersAndAnyCase() {
        assertThat(ImageType.fromContentType("image/jpeg")).contains(ImageType.JPEG);
        assertThat(ImageType.fromContentType("Image/JPEG; charset=binary")).contains(ImageType.JPEG);
        assertThat(ImageType.fromContentType("image/png")).contains(ImageType.PNG);
        assertThat(ImageType.fromContentType("image/webp")).contains(ImageType.WEBP);
        assertThat(ImageType.fromContentType("image/gif")).isEmpty();
        assertThat(ImageType.fromContentType("text/html")).isEmpty();
        assertThat(ImageType.fromContentType("application/octet-stream")).isEmpty();
        assertThat(ImageType.fromContentType(null)).isEmpty();
    }

    @Test
    void shouldNameTheArchiveExtension() {
        assertThat(ImageType.JPEG.extension()).isEqualTo("jpg");
        assertThat(ImageType.fromExtension("webp")).contains(ImageType.WEBP);
    }
}
