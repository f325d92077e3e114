package io.runflowkafka.sink;

import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.sink.archive.Manifest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Maps a job's manifest to the Avro HeadshotsArchived event that announces it. */
final class ArchivedEvents {

    private ArchivedEvents() {}

    /** The archived event of {@code manifest}, stored under {@code manifestKey}. */
    static HeadshotsArchived of(Manifest manifest, String manifestKey) {
        List<ArchivedObject> objects = manifest.images().stream()
                .map(image -> ArchivedObject.newBuilder()
                        .setIndex(image.index())
                        .setSourceUrl(image.sourceUrl())
                        .setKey(image.key())
                        .setSizeBytes(image.sizeBytes())
                        .setSha256(image.sha256())
                        .setContentType(image.contentType())
                        .build())
                .toList();
        return HeadshotsArchived.newBuilder()
                .setHeadshotsId(manifest.headshotsId())
                .setJobRef(manifest.jobRef())
                .setArchiveUri(manifest.archiveUri())
                .setManifestKey(manifestKey)
                .setObjects(objects)
                .setTotalBytes(manifest.totalBytes())
                .setArchivedAt(Instant.parse(manifest.archivedAt()))
                .setExpiresAt(Instant.parse(manifest.expiresAt()))
                .setAttributes(manifest.attributes() == null ? Map.of() : manifest.attributes())
                .build();
    }
}
