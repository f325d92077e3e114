package io.runflowkafka.sink.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilesystemArchiveStoreTest {

    private static final String KEY = "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10/001.jpg";

    private Path root;
    private FilesystemArchiveStore store;

    @BeforeEach
    void create() throws Exception {
        root = Path.of("target", "test-archives", UUID.randomUUID().toString());
        store = FilesystemArchiveStore.open(root, true, true);
    }

    @Test
    void shouldWriteAnObjectAndFindItWithItsSizeAndHash() throws Exception {
        byte[] content = "jpeg bytes".getBytes(StandardCharsets.UTF_8);

        store.write(KEY, content, S3ArchiveStore.sha256Hex(content), "image/jpeg");

        assertThat(root.resolve(KEY)).hasBinaryContent(content);
        StoredObject found = store.find(KEY).orElseThrow();
        assertThat(found.matches(content.length, S3ArchiveStore.sha256Hex(content)))
                .isTrue();
        assertThat(found.matches(content.length, S3ArchiveStore.sha256Hex("other".getBytes())))
                .isFalse();
        assertThat(store.uri())
                .startsWith("file:///")
                .endsWith(root.getFileName().toString());
    }

    @Test
    void shouldReplaceAnObjectAndLeaveNoTemporaryFiles() throws Exception {
        store.write(KEY, new byte[] {1, 2, 3}, S3ArchiveStore.sha256Hex(new byte[] {1, 2, 3}), "image/jpeg");
        store.write(KEY, new byte[] {4, 5}, S3ArchiveStore.sha256Hex(new byte[] {4, 5}), "image/jpeg");

        assertThat(root.resolve(KEY)).hasBinaryContent(new byte[] {4, 5});
        try (Stream<Path> files = Files.list(root.resolve(KEY).getParent())) {
            assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("001.jpg");
        }
    }

    @Test
    void shouldCreateOnlyOnceWithWriteIfAbsent() throws Exception {
        String manifest = "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10/manifest.json";

        assertThat(store.writeIfAbsent(
                        manifest, new byte[] {1}, S3ArchiveStore.sha256Hex(new byte[] {1}), "application/json"))
                .isTrue();
        assertThat(store.writeIfAbsent(
                        manifest, new byte[] {2}, S3ArchiveStore.sha256Hex(new byte[] {2}), "application/json"))
                .isFalse();

        assertThat(store.read(manifest))
                .hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1));
        try (Stream<Path> files = Files.list(root.resolve(manifest).getParent())) {
            assertThat(files).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 511, 4095, 4096, 4097, 204_801, 1024 * 1024, 3 * 1024 * 1024 + 5})
    void shouldWriteEverySizeExactlyWithDirectIoAndWithout(int size) throws Exception {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        FilesystemArchiveStore buffered = FilesystemArchiveStore.open(root.resolve("buffered"), true, false);

        store.write(KEY, content, S3ArchiveStore.sha256Hex(content), "image/jpeg");
        buffered.write(KEY, content, S3ArchiveStore.sha256Hex(content), "image/jpeg");

        // Direct writes are padded to whole blocks; the padding must be cut off again.
        assertThat(root.resolve(KEY)).hasBinaryContent(content);
        assertThat(root.resolve("buffered").resolve(KEY)).hasBinaryContent(content);
        assertThat(store.find(KEY).orElseThrow().matches(size, S3ArchiveStore.sha256Hex(content)))
                .isTrue();
        try (Stream<Path> files = Files.list(root.resolve(KEY).getParent())) {
            assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("001.jpg");
        }
        assertThat(buffered.directIo()).isFalse();
    }

    @Test
    void shouldUseDirectIoWhereTheFilesystemTakesItAndLeaveNoProbeBehind() throws Exception {
        // target/ is on a local disk filesystem (ext4, xfs, btrfs, apfs…), all of which accept O_DIRECT.
        assertThat(store.directIo()).isTrue();
        assertThat(store)
                .hasToString("FilesystemArchiveStore[" + root.toAbsolutePath().normalize() + ", direct I/O]");
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldReportMissingObjectsAsEmpty() throws Exception {
        assertThat(store.find(KEY)).isEmpty();
        assertThat(store.read(KEY)).isEmpty();
    }

    @Test
    void shouldRemoveTemporaryFilesLeftByACrashedWriter() throws Exception {
        Path job = root.resolve("headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10");
        Files.createDirectories(job);
        Files.write(job.resolve(".002.jpg.123456.tmp"), new byte[] {9});
        store.write(KEY, new byte[] {1}, S3ArchiveStore.sha256Hex(new byte[] {1}), "image/jpeg");

        store.removeLeftovers("headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10");

        try (Stream<Path> files = Files.list(job)) {
            assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("001.jpg");
        }
    }

    @Test
    void shouldListTheObjectsOfAJobWithTheirSizesButNoTemporaryFiles() throws Exception {
        String job = "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10";
        store.write(
                job + "/001.jpg", new byte[] {1, 2, 3}, S3ArchiveStore.sha256Hex(new byte[] {1, 2, 3}), "image/jpeg");
        store.write(job + "/002.png", new byte[] {4}, S3ArchiveStore.sha256Hex(new byte[] {4}), "image/png");
        Files.write(root.resolve(job).resolve(".003.jpg.abc.tmp"), new byte[] {9});

        assertThat(store.list(job))
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(job + "/001.jpg", 3L, job + "/002.png", 1L));
        assertThat(store.list("headshots/00000000-0000-0000-0000-000000000000")).isEmpty();
    }

    @Test
    void shouldRefuseKeysThatCouldEscapeTheArchive() {
        assertThatThrownBy(() -> store.write("../outside.jpg", new byte[] {1}, "00", "image/jpeg"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.find("headshots/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.find("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReportAnUnwritableArchiveAsAnArchiveFailure() throws Exception {
        Path file = root.resolve("not-a-directory");
        Files.write(file, new byte[] {1});
        FilesystemArchiveStore broken = FilesystemArchiveStore.open(root, false, false);

        assertThatThrownBy(() -> broken.write("not-a-directory/001.jpg", new byte[] {1}, "00", "image/jpeg"))
                .isInstanceOf(ArchiveException.class);
        assertThatThrownBy(() -> FilesystemArchiveStore.open(file, false, false).probe())
                .isInstanceOf(ArchiveException.class);
    }
}
