package io.runflowkafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManifestCheckTest {

    private static final Manifest.Source SOURCE = new Manifest.Source("headshots.completed", 3, 42);

    private final String id = UUID.randomUUID().toString();
    private FilesystemArchiveStore store;
    private ManifestCheck check;

    @BeforeEach
    void create() throws Exception {
        store = FilesystemArchiveStore.open(
                Path.of("target", "test-archives", UUID.randomUUID().toString()), false, false);
        check = new ManifestCheck(store);
    }

    private void storeManifest(Manifest.Source source) throws Exception {
        Manifest manifest = new Manifest(
                Manifest.VERSION,
                id,
                "job-7",
                "delivery-1",
                store.uri(),
                Instant.EPOCH.toString(),
                Instant.EPOCH.plusSeconds(60).toString(),
                source,
                4,
                List.of(new Manifest.Image(
                        1,
                        "https://cdn.runflow.io/1.jpg",
                        ArchiveKeys.image(id, 1, "jpg"),
                        4,
                        "ab",
                        "image/jpeg",
                        Instant.EPOCH.toString())),
                Map.of());
        store.writeIfAbsent(ArchiveKeys.manifest(id), manifest.toJson(), "x", "application/json");
    }

    @Test
    void shouldSayNothingForAJobWithoutAManifest() throws Exception {
        assertThat(check.existing(id, SOURCE)).isEmpty();
    }

    @Test
    void shouldEmitAgainOnlyForTheRecordTheManifestNames() throws Exception {
        storeManifest(SOURCE);

        assertThat(check.existing(id, SOURCE))
                .hasValueSatisfying(outcome -> assertThat(outcome)
                        .isInstanceOfSatisfying(Outcome.Archived.class, archived -> {
                            assertThat(archived.emit()).isTrue();
                            assertThat(archived.event().getManifestKey()).isEqualTo(ArchiveKeys.manifest(id));
                            assertThat(archived.event().getObjects()).hasSize(1);
                        }));
        assertThat(check.existing(id, new Manifest.Source("headshots.completed", 3, 99)))
                .hasValueSatisfying(outcome -> assertThat(outcome)
                        .isInstanceOfSatisfying(
                                Outcome.Archived.class,
                                archived -> assertThat(archived.emit()).isFalse()));
    }

    @Test
    void shouldDeadLetterAnUnreadableManifestRatherThanOverwriteIt() throws Exception {
        store.writeIfAbsent(
                ArchiveKeys.manifest(id), "not json".getBytes(StandardCharsets.UTF_8), "x", "application/json");

        assertThat(check.existing(id, SOURCE))
                .hasValueSatisfying(outcome -> assertThat(outcome)
                        .isInstanceOfSatisfying(Outcome.DeadLetter.class, dead -> {
                            assertThat(dead.stage()).isEqualTo(Stage.ARCHIVE);
                            assertThat(dead.reason()).contains("unreadable manifest");
                        }));
    }
}
