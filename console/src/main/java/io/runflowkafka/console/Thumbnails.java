package io.runflowkafka.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.ArchiveStore;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small JPEG thumbnails, made only from what the console may read safely: objects of the sink's archive that an
 * archived event named, and file:// photos under the configured photo folder. Nothing is ever fetched from a URL.
 * Sources are capped at {@link #MAX_SOURCE_BYTES} and {@link #MAX_PIXELS}, and must be a JPEG, PNG or WebP by their magic bytes; thumbnails
 * are cached, bounded by size.
 */
final class Thumbnails implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Thumbnails.class);
    static final int MAX_SIDE = 240;
    /** As the processor's {@code processor.max-image-bytes}. */
    static final int MAX_SOURCE_BYTES = 20 * 1024 * 1024;
    /** Images above this many pixels get no thumbnail (a few KiB can claim gigapixels); as the emulator's cap. */
    static final long MAX_PIXELS = 50_000_000L;

    private final ArchiveSource archiveSource;
    private final Optional<Path> photoDir;
    private final Cache<String, byte[]> cache = Caffeine.newBuilder()
            .maximumWeight(32L * 1024 * 1024)
            .weigher((String key, byte[] bytes) -> bytes.length)
            .build();
    private ArchiveStore archive;

    Thumbnails(ArchiveSource archiveSource, Optional<Path> photoDir) {
        this.archiveSource = archiveSource;
        this.photoDir = photoDir.map(Thumbnails::real);
    }

    /** The thumbnail of an archived object; the caller checked that an archived event named the key. */
    Optional<byte[]> ofArchived(String key) {
        if (!key.matches("headshots/[0-9a-f-]{36}/[0-9]{3}\\.[a-z]{3,4}")
                || !ArchiveKeys.isValidHeadshotsId(key.split("/")[1])) {
            return Optional.empty();
        }
        return cached("archive:" + key, () -> archive().read(key).orElse(null));
    }

    /** Whether the photo at {@code imageUri} may be read for a thumbnail: file:// under the photo folder. */
    boolean mayRead(String imageUri) {
        return localFile(imageUri).isPresent();
    }

    /** The thumbnail of an uploaded photo, when {@link #mayRead} allows it. */
    Optional<byte[]> ofPhoto(String imageUri) {
        Optional<Path> file = localFile(imageUri);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        return cached("photo:" + file.get(), () -> {
            try (InputStream in = Files.newInputStream(file.get())) {
                byte[] bytes = in.readNBytes(MAX_SOURCE_BYTES + 1);
                return bytes.length > MAX_SOURCE_BYTES ? null : bytes;
            }
        });
    }

    private Optional<Path> localFile(String imageUri) {
        if (photoDir.isEmpty() || imageUri == null || !imageUri.startsWith("file:")) {
            return Optional.empty();
        }
        try {
            Path file = Path.of(URI.create(imageUri)).toRealPath();
            return file.startsWith(photoDir.get()) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private interface Source {
        byte[] read() throws IOException, ArchiveException;
    }

    private Optional<byte[]> cached(String cacheKey, Source source) {
        byte[] known = cache.getIfPresent(cacheKey);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            byte[] bytes = source.read();
            if (bytes == null
                    || bytes.length > MAX_SOURCE_BYTES
                    || ImageType.sniff(bytes).isEmpty()) {
                return Optional.empty();
            }
            Optional<byte[]> thumbnail = scale(bytes);
            thumbnail.ifPresent(t -> cache.put(cacheKey, t));
            return thumbnail;
        } catch (IOException | ArchiveException | RuntimeException e) {
            LOG.warn("no thumbnail for {}: {}", cacheKey, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A JPEG whose longer side is at most {@link #MAX_SIDE}, or empty when ImageIO cannot decode the bytes or the
     * image has more than {@link #MAX_PIXELS} pixels (its size is read from its header before any pixel is decoded).
     */
    static Optional<byte[]> scale(byte[] image) throws IOException {
        BufferedImage source;
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1 || (long) width * height > MAX_PIXELS) {
                    LOG.warn("no thumbnail of a {}x{} px image: over {} pixels", width, height, MAX_PIXELS);
                    return Optional.empty();
                }
                ImageReadParam param = reader.getDefaultReadParam();
                // Every pixel of a big photo would be decoded for a 240 px thumbnail: read every n-th instead.
                int step = Math.max(1, Math.max(width, height) / (2 * MAX_SIDE));
                param.setSourceSubsampling(step, step, 0, 0);
                source = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
        double factor = Math.min(1.0, (double) MAX_SIDE / Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(1, (int) Math.round(source.getWidth() * factor));
        int height = Math.max(1, (int) Math.round(source.getHeight() * factor));
        BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = thumbnail.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(thumbnail, "jpg", out);
        return Optional.of(out.toByteArray());
    }

    private synchronized ArchiveStore archive() throws ArchiveException {
        if (archive == null) {
            archive = archiveSource.open();
        }
        return archive;
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("the photo folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (archive != null) {
            archive.close();
        }
    }
}
