package io.runflowkafka.common.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The image formats the pipeline handles, recognised by their magic bytes: the processor names an uploaded
 * file's media type with it, the sink its archive key's extension.
 */
public enum ImageType {
    /** JPEG: starts with FF D8 FF. */
    JPEG("image/jpeg", "jpg"),
    /** PNG: starts with the 8-byte PNG signature. */
    PNG("image/png", "png"),
    /** WebP: a RIFF container whose form type is WEBP. */
    WEBP("image/webp", "webp");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final String mediaType;
    private final String extension;

    ImageType(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The media type, e.g. {@code image/jpeg}. */
    public String mediaType() {
        return mediaType;
    }

    /** The file extension without dot, e.g. {@code jpg}. */
    public String extension() {
        return extension;
    }

    /** The type the content's first bytes say, if any of the three. */
    public static Optional<ImageType> sniff(byte[] content) {
        if (content.length >= 3
                && (content[0] & 0xff) == 0xff
                && (content[1] & 0xff) == 0xd8
                && (content[2] & 0xff) == 0xff) {
            return Optional.of(JPEG);
        }
        if (content.length >= 8 && Arrays.equals(content, 0, 8, PNG_SIGNATURE, 0, 8)) {
            return Optional.of(PNG);
        }
        if (content.length >= 12
                && content[0] == 'R'
                && content[1] == 'I'
                && content[2] == 'F'
                && content[3] == 'F'
                && content[8] == 'W'
                && content[9] == 'E'
                && content[10] == 'B'
                && content[11] == 'P') {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /** The type a {@code Content-Type} header names (parameters ignored, {@code image/jpg} accepted), if any. */
    public static Optional<ImageType> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
        return switch (media) {
            case "image/jpeg", "image/jpg", "image/pjpeg" -> Optional.of(JPEG);
            case "image/png" -> Optional.of(PNG);
            case "image/webp" -> Optional.of(WEBP);
            default -> Optional.empty();
        };
    }

    /** The type whose extension is {@code extension}, if any. */
    public static Optional<ImageType> fromExtension(String extension) {
        for (ImageType type : values()) {
            if (type.extension.equals(extension)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
