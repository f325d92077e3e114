package io.runflowkafka.console;

import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.S3ArchiveStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the storage sink archives headshots: the console reads it through the sink's own {@link ArchiveStore}. */
public sealed interface ArchiveSource {

    /** Opens the archive for reading; fails while it does not exist yet. */
    ArchiveStore open() throws ArchiveException;

    /** A folder on this machine (the sink's {@code sink.archive.dir}). */
    record Folder(Path dir) implements ArchiveSource {
        @Override
        public ArchiveStore open() throws ArchiveException {
            // FilesystemArchiveStore.open creates a missing folder: a read-only observer must not.
            if (!Files.isDirectory(dir)) {
                throw new ArchiveException("no archive folder at " + dir.toAbsolutePath(), null);
            }
            return FilesystemArchiveStore.open(dir, false, false);
        }
    }

    /** An S3 bucket, with credentials from the default AWS provider chain (never shown). */
    record S3(S3ArchiveStore.Settings settings) implements ArchiveSource {
        @Override
        public ArchiveStore open() {
            return S3ArchiveStore.withDefaultCredentials(settings);
        }
    }
}
