package io.runflowkafka.client;

import java.util.Objects;

/**
 * An image sent as a multipart file part: its bytes, the file name reported to the server and its
 * media type ({@code image/jpeg}, {@code image/png}, {@code image/webp}).
 *
 * @param bytes the encoded image; not copied, so do not change it after handing it over
 * @param fileName file name reported in the part's {@code Content-Disposition}
 * @param contentType media type of the part
 */
public record ImageFile(byte[] bytes, String fileName, String contentType) {

    /** Requires all three and a non-empty image. */
    public ImageFile {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("image is empty");
        }
        if (fileName.isBlank()) {
            throw new IllegalArgumentException("fileName is blank");
        }
    }

    @Override
    public String toString() {
        // Never dump image bytes into logs.
        return "ImageFile[fileName=" + fileName + ", contentType=" + contentType + ", bytes=" + bytes.length + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageFile that
                && java.util.Arrays.equals(bytes, that.bytes)
                && fileName.equals(that.fileName)
                && contentType.equals(that.contentType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(bytes), fileName, contentType);
    }
}
