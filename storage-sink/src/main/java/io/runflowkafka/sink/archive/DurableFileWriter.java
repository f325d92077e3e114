package io.runflowkafka.sink.archive;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes new files durably for {@link FilesystemArchiveStore}: whole blocks with direct I/O ({@code O_DIRECT},
 * from a block-aligned buffer per thread) where the filesystem accepts it, the last partial block through the page
 * cache, then one {@code fdatasync}; and forces directories so renames and links are durable.
 */
final class DurableFileWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DurableFileWriter.class);
    /** Largest single write with direct I/O; bigger objects are written in chunks of this size. */
    private static final int DIRECT_CHUNK = 1024 * 1024;
    /** Largest block size used for direct I/O; filesystems with larger blocks are written through the cache. */
    private static final int MAX_DIRECT_BLOCK = 64 * 1024;

    private final boolean fsync;
    /** Block size that direct writes are aligned to; 0 when writing through the page cache. */
    private final int directBlock;

    private final ThreadLocal<ByteBuffer> directBuffers;

    private DurableFileWriter(boolean fsync, int directBlock) {
        this.fsync = fsync;
        this.directBlock = directBlock;
        int block = Math.max(directBlock, 1);
        this.directBuffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DIRECT_CHUNK + block)
                .alignedSlice(block)
                .limit(DIRECT_CHUNK)
                .slice());
    }

    /**
     * A writer for files under {@code directory}; with direct I/O asked for, first writes a probe file there to find
     * the block size the filesystem wants.
     *
     * @param fsync whether each file (and directory, when asked) is forced to disk
     * @param directIo whether to write with direct I/O; ignored, with a log line, where the filesystem refuses it
     */
    static DurableFileWriter open(Path directory, boolean fsync, boolean directIo) {
        return new DurableFileWriter(fsync, directIo ? directBlockSize(directory) : 0);
    }

    /** Whether files are written with direct I/O (asked for, and the filesystem accepted it). */
    boolean directIo() {
        return directBlock > 0;
    }

    /**
     * Creates {@code file} with {@code content}: the whole blocks with direct I/O (when on), the rest through the
     * page cache, then forces it once. Cutting a padded last block off with ftruncate instead would make the
     * filesystem read that block back to zero its end.
     */
    void write(Path file, byte[] content) throws IOException {
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

    /** Forces {@code directory}, so the renames and links in it are durable (when fsync is on); best effort. */
    void forceDirectory(Path directory) {
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
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + FilesystemArchiveStore.TEMP_SUFFIX);
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
            FilesystemArchiveStore.deleteQuietly(probe);
        }
    }
}
