package io.runflowkafka.sink;

import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveKeys;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.Manifest;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manifest present = job complete. A job that already has a manifest is not downloaded again: its archived event
 * is rebuilt from the manifest, and emitted again only when the manifest says it was archived from this very
 * record (whose transaction never committed); a repeated completion from another record only moves its offset.
 * A manifest the sink cannot read is never overwritten: the event is dead-lettered for a human to look at.
 */
final class ManifestCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestCheck.class);

    private final ArchiveStore store;

    ManifestCheck(ArchiveStore store) {
        this.store = store;
    }

    /** What the manifest of job {@code id} in the archive says; empty when the job has none yet. */
    Optional<Outcome> existing(String id, Manifest.Source source) throws ArchiveException {
        return store.read(ArchiveKeys.manifest(id)).map(json -> fromManifest(id, json, source));
    }

    /** The outcome of handling {@code source} for job {@code id}, whose manifest is {@code json}. */
    Outcome fromManifest(String id, byte[] json, Manifest.Source source) {
        Manifest manifest;
        try {
            manifest = Manifest.fromJson(json);
        } catch (IOException e) {
            // A manifest this sink did not write: never overwrite it, let a human look.
            return new Outcome.DeadLetter(
                    Stage.ARCHIVE,
                    "job " + id + " has an unreadable manifest in the archive ("
                            + e.getClass().getSimpleName() + ")");
        }
        boolean sameRecord = manifest.source() == null || manifest.source().equals(source);
        if (sameRecord) {
            LOG.info("job {} was already archived from this record; re-sending its archived event", id);
        } else {
            LOG.info(
                    "job {} was already archived from {}-{}@{}; repeated completion at {}-{}@{} changes nothing",
                    id,
                    manifest.source().topic(),
                    manifest.source().partition(),
                    manifest.source().offset(),
                    source.topic(),
                    source.partition(),
                    source.offset());
        }
        return new Outcome.Archived(ArchivedEvents.of(manifest, ArchiveKeys.manifest(id)), sameRecord);
    }
}
