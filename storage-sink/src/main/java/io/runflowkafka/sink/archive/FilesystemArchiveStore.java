package io.runflowkafka.sink.archive;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An archive in a local directory. Each object is written to a temporary file in its own directory, forced
 * to disk, then renamed over its key, so a crash leaves either the old object or the new one, never half of
 * one; a create-only write (the manifest) links the temporary file instead, which fails if the key exists.
 *
 * <p>With direct I/O the temporary file is written with {@code O_DIRECT} from a block-aligned buffer: archived
 * objects are written once and rarely read back, so copying them through the page cache only costs CPU (and,
 * on virtual machines, fresh guest pages) and evicts pages other programs use. Only the last partial block,
 * if any, goes through the page cache.
 */
public final class FilesystemArchiveStore implements ArchiveStore {

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemArchiveStore.class);
    private static final Pattern SAFE_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*");
    private static final String TEMP_SUFFIX = ".tmp";
    /** Largest single write with direct I/O; bigger objects are written in chunks of this size. */
    private static final int DIRECT_CHUNK = 1024 * 1024;
    /** Largest block size used for direct I/O; filesystems with larger blocks are written through the cache. */
    private static final int MAX_DIRECT_BLOCK = 64 * 1024;

    private final Path root;
    private final boolean fsync;
    /** Block size that direct writes are aligned to; 0 when writing through the page cache. */
    private final int directBlock;

    private final ThreadLocal<ByteBuffer> directBuffers;

    /**
     * An archive under {@code root}, created if missing.
     *
     * @param fsync whether each object is forced to disk before it becomes visible (off only for benchmarks
     *     of the filesystem cache, never in production)
     * @param directIo whether to write objects with direct I/O; ignored, with a log line, where the
     *     filesystem refuses it
     */
    public FilesystemArchiveStore(Path root, boolean fsync, boolean directIo) throws ArchiveException {
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new ArchiveException("cannot create archive directory " + this.root, e);
        }
        this.directBlock = directIo ? directBlockSize(this.root) : 0;
        int block = Math.max(directBlock, 1);
        this.directBuffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DIRECT_CHUNK + block)
                .alignedSlice(block)
                .limit(DIRECT_CHUNK)
                .slice());
    }

    /** Whether objects are written with direct I/O (asked for, and the filesystem accepted it). */
    public boolean directIo() {
        return directBlock > 0;
    }

    /** The archive directory. */
    public Path root() {
        return root;
    }

    @Override
    public String uri() {
        String uri = root.toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** The file of {@code key}. */
    public Path path(String key) {
        if (!SAFE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("unsafe archive key: " + key);
        }
        return root.resolve(key);
    }

    @Override
    public Optional<StoredObject> find(String key) throws ArchiveException {
        Path file = path(key);
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = sha256();
            byte[] buffer = new byte[64 * 1024];
            long size = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                size += n;
            }
            return Optional.of(new StoredObject(
                    key,
                    size,
                    HexFormat.of().formatHex(digest.digest()),
                    Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ArchiveException("cannot read archived object " + key, e);
        }
    }

    @Override
    public void write(String key, byte[] content, String sha256, String contentType) throws ArchiveException {
        Path target = path(key);
        Path temp = writeTemp(target, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(temp);
            throw new ArchiveException("the archive filesystem cannot rename atomically", e);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new ArchiveException("cannot write archived object " + key, e);
        }
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] content, String sha256, String contentType)
            throws ArchiveException {
        Path target = path(key);
        Path temp = writeTemp(target, content);
        try {
            // Renames of the objects written before must be durable before the manifest says they exist.
            forceDirectory(target.getParent());
            Files.createLink(target, temp);
            forceDirectory(target.getParent());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            throw new ArchiveException("cannot write " + key + " (the archive filesystem must support hard links)", e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<byte[]> read(String key) throws ArchiveException {
        try {
            return Optional.of(Files.readAllBytes(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + key, e);
        }
    }

    @Override
    public Map<String, Long> list(String prefix) throws ArchiveException {
        Path directory = path(prefix);
        Map<String, Long> objects = new HashMap<>();
        if (!Files.isDirectory(directory)) {
            return objects;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(file)) {
                    objects.put(prefix + "/" + name, Files.size(file));
                }
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot list " + prefix, e);
        }
        return objects;
    }

    @Override
    public void removeLeftovers(String prefix) throws ArchiveException {
        Path directory = path(prefix);
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                // A concurrent writer of the same job (a fenced zombie) loses its rename and retries: harmless.
                deleteQuietly(temp);
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot list " + prefix, e);
        }
    }

    @Override
    public void probe() throws ArchiveException {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".probe-", TEMP_SUFFIX);
            Files.delete(probe);
        } catch (IOException e) {
            throw new ArchiveException("archive directory " + root + " is not writable", e);
        }
    }

    private Path writeTemp(Path target, byte[] content) throws ArchiveException {
        Path directory = target.getParent();
        // A random name created exclusively in the target's own directory: the rename stays on one filesystem,
        // and opening it creates it (fewer metadata calls than createTempFile then open).
        Path temp = directory.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        try {
            try {
                writeFile(temp, content);
            } catch (NoSuchFileException e) {
                // The job's first image: its folder is created then, rather than looked up before every image.
                Files.createDirectories(directory);
                writeFile(temp, content);
            }
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new ArchiveException("cannot write a temporary file beside " + root.relativize(target), e);
        }
    }

    /**
     * Creates {@code file} with {@code content}: the whole blocks with direct I/O (when on), the rest through the
     * page cache, then forces it once. Cutting a padded last block off with ftruncate instead would make the
     * filesystem read that block back to zero its end.
     */
    private void writeFile(Path file, byte[] content) throws IOException {
        int whole = directBlock > 0 ? content.length / directBlock * directBlock : 0;
        if (whole > 0) {
            try (FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
                writeBlocks(channel, content, whole);
                if (whole == content.length) {
                    force(channel);
                    return;
                }
            }
        }
        try (FileChannel channel = whole > 0
                ? FileChannel.open(file, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAt(channel, content, whole);
            force(channel);
        }
    }

    private void force(FileChannel channel) throws IOException {
        if (fsync) {
            // Data (and the size needed to read it back) only: the rename that follows is journaled, and the
            // directory is forced before a manifest names the file.
            channel.force(false);
        }
    }

    private static void writeAt(FileChannel channel, byte[] content, int offset) throws IOException {
        ByteBuffer rest = ByteBuffer.wrap(content, offset, content.length - offset);
        while (rest.hasRemaining()) {
            channel.write(rest, rest.position());
        }
    }

    /** Writes the first {@code length} bytes (whole blocks) of {@code content} through this thread's aligned buffer. */
    private void writeBlocks(FileChannel channel, byte[] content, int length) throws IOException {
        ByteBuffer buffer = directBuffers.get();
        for (int offset = 0; offset < length; ) {
            int chunk = Math.min(DIRECT_CHUNK, length - offset);
            buffer.clear();
            buffer.put(content, offset, chunk);
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            offset += chunk;
        }
    }

    /**
     * The block size direct writes under {@code directory} must be aligned to, found by writing a probe file with
     * {@code O_DIRECT}; 0 when the filesystem (tmpfs on older kernels, some network and FUSE filesystems) refuses.
     */
    private static int directBlockSize(Path directory) {
        Path probe = directory.resolve(".direct-io-probe-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        try {
            long size = Files.getFileStore(directory).getBlockSize();
            if (size <= 0 || size > MAX_DIRECT_BLOCK || Long.bitCount(size) != 1) {
                LOG.info(
                        "archive {}: block size {} does not suit direct I/O; writing through the page cache",
                        directory,
                        size);
                return 0;
            }
            int block = (int) size;
            try (FileChannel channel = FileChannel.open(
                    probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(2 * block)
                        .alignedSlice(block)
                        .limit(block)
                        .slice();
                channel.write(buffer);
            }
            return block;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info(
                    "archive {}: the filesystem refuses direct I/O ({}); writing through the page cache",
                    directory,
                    e.toString());
            return 0;
        } finally {
            deleteQuietly(probe);
        }
    }

    private void forceDirectory(Path directory) {
        if (!fsync) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for syncing; the file data itself is already forced.
            LOG.debug("cannot force directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete temporary file {}: {}", file, e.toString());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "FilesystemArchiveStore[" + root + (directBlock > 0 ? ", direct I/O" : "") + "]";
    }
}
