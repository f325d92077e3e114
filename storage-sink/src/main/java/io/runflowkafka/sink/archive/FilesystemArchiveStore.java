package io.runflowkafka.sink.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * if any, goes through the page cache. {@link DurableFileWriter} does the writing and forcing.
 */
public final class FilesystemArchiveStore implements ArchiveStore {

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemArchiveStore.class);
    private static final Pattern SAFE_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*");
    static final String TEMP_SUFFIX = ".tmp";

    private final Path root;
    private final DurableFileWriter files;

    private FilesystemArchiveStore(Path root, DurableFileWriter files) {
        this.root = root;
        this.files = files;
    }

    /**
     * Opens an archive under {@code root}, created if missing.
     *
     * @param fsync whether each object is forced to disk before it becomes visible (off only for benchmarks
     *     of the filesystem cache, never in production)
     * @param directIo whether to write objects with direct I/O; ignored, with a log line, where the
     *     filesystem refuses it
     * @throws ArchiveException when the directory cannot be created
     */
    public static FilesystemArchiveStore open(Path root, boolean fsync, boolean directIo) throws ArchiveException {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new ArchiveException("cannot create archive directory " + absolute, e);
        }
        return new FilesystemArchiveStore(absolute, DurableFileWriter.open(absolute, fsync, directIo));
    }

    /** Whether objects are written with direct I/O (asked for, and the filesystem accepted it). */
    public boolean directIo() {
        return files.directIo();
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
            files.forceDirectory(target.getParent());
            Files.createLink(target, temp);
            files.forceDirectory(target.getParent());
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
                files.write(temp, content);
            } catch (NoSuchFileException e) {
                // The job's first image: its folder is created then, rather than looked up before every image.
                Files.createDirectories(directory);
                files.write(temp, content);
            }
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new ArchiveException("cannot write a temporary file beside " + root.relativize(target), e);
        }
    }

    static void deleteQuietly(Path file) {
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
        return "FilesystemArchiveStore[" + root + (files.directIo() ? ", direct I/O" : "") + "]";
    }
}
