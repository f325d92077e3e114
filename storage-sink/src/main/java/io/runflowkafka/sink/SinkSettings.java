package io.runflowkafka.sink;

import io.runflowkafka.common.kafka.TopicCreation;
import io.runflowkafka.sink.archive.ArchiveException;
import io.runflowkafka.sink.archive.ArchiveStore;
import io.runflowkafka.sink.archive.FilesystemArchiveStore;
import io.runflowkafka.sink.archive.S3ArchiveStore;
import io.runflowkafka.sink.fetch.ImageFetcher;
import io.runflowkafka.sink.url.AddressPolicy;
import io.runflowkafka.sink.url.UrlPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the storage sink needs besides its Kafka and Schema Registry client properties, as {@link SinkConfig}
 * reads it. The truststore password lives in {@link io.runflowkafka.common.tls.TlsTrust}, which never prints it, so
 * this record prints safely.
 *
 * @param ops where the operations server (health, metrics) listens
 * @param groupId the consumer group
 * @param transactionalId the producer's transactional id, stable per instance
 * @param loop topics and timings of the consumer loop
 * @param archive the archive back end
 * @param urls which image URLs may be fetched
 * @param fetch how images are downloaded
 * @param archiving how events are archived
 * @param topics whether and how missing topics are created on start
 * @param otlpEndpoint the OTLP/HTTP endpoint spans are exported to; empty: none
 */
public record SinkSettings(
        Ops ops,
        String groupId,
        String transactionalId,
        ArchiveLoop.Settings loop,
        Archive archive,
        Urls urls,
        ImageFetcher.Settings fetch,
        EventArchiver.Settings archiving,
        TopicCreation topics,
        String otlpEndpoint) {

    /** Requires every part. */
    public SinkSettings {
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(urls, "urls");
        Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(archiving, "archiving");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
    }

    /**
     * The operations server.
     *
     * @param host interface to listen on
     * @param port port to listen on, 0 for any free one
     */
    public record Ops(String host, int port) {}

    /** Where archived images and manifests go; {@link #open()} makes the store. */
    public sealed interface Archive permits Filesystem, S3 {

        /**
         * The store: a filesystem archive creates its directory, an S3 archive builds its client (no call to S3).
         *
         * @throws ArchiveException when the directory cannot be created
         */
        ArchiveStore open() throws ArchiveException;
    }

    /**
     * An archive in a local directory.
     *
     * @param dir the archive directory, created if missing
     * @param fsync whether each object is forced to disk before it becomes visible
     * @param directIo whether objects are written with direct I/O where the filesystem allows it
     */
    public record Filesystem(Path dir, boolean fsync, boolean directIo) implements Archive {

        @Override
        public ArchiveStore open() throws ArchiveException {
            return FilesystemArchiveStore.open(dir, fsync, directIo);
        }
    }

    /**
     * An archive in an S3 bucket, credentials from the default AWS provider chain.
     *
     * @param settings bucket, prefix, endpoint and addressing
     */
    public record S3(S3ArchiveStore.Settings settings) implements Archive {

        @Override
        public ArchiveStore open() {
            return S3ArchiveStore.withDefaultCredentials(settings);
        }
    }

    /**
     * Which image URLs may be fetched.
     *
     * @param allowedHosts exact names, IP literals, or {@code *.suffix} for subdomains
     * @param allowPrivateAddresses whether loopback, private and link-local addresses are admitted (development)
     */
    public record Urls(List<String> allowedHosts, boolean allowPrivateAddresses) {

        /** Keeps a copy of the hosts. */
        public Urls {
            allowedHosts = List.copyOf(allowedHosts);
        }

        /** The policy every URL, and every redirect target, must pass. */
        public UrlPolicy policy() {
            return new UrlPolicy(allowedHosts, new AddressPolicy(allowPrivateAddresses));
        }
    }
}
