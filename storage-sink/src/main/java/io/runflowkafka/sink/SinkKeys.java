package io.runflowkafka.sink;

import io.runflowkafka.common.config.CommonKeys;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The storage sink's configuration keys with their defaults, on top of {@link CommonKeys}; each is overridable by
 * environment variable. Only {@link SinkConfig} reads them.
 */
final class SinkKeys {

    /** Default port of the operations server. */
    static final int DEFAULT_HTTP_PORT = 8091;

    static final String TOPIC_COMPLETED = "sink.topic.completed";
    static final String TOPIC_ARCHIVED = "sink.topic.archived";
    static final String TOPIC_DLQ = "sink.topic.dlq";
    static final String GROUP_ID = "sink.group-id";
    static final String TRANSACTIONAL_ID = "sink.transactional-id";
    static final String MAX_EVENTS_IN_FLIGHT = "sink.events.max-in-flight";
    static final String COMMIT_INTERVAL_MS = "sink.commit.interval-ms";
    static final String RETRY_BACKOFF_MS = "sink.retry.backoff-ms";
    static final String RETRY_MAX_BACKOFF_MS = "sink.retry.max-backoff-ms";

    static final String ARCHIVE = "sink.archive";
    static final String ARCHIVE_DIR = "sink.archive.dir";
    static final String ARCHIVE_FSYNC = "sink.archive.fsync";
    static final String ARCHIVE_DIRECT_IO = "sink.archive.direct-io";
    static final String S3_BUCKET = "sink.s3.bucket";
    static final String S3_PREFIX = "sink.s3.prefix";
    static final String S3_ENDPOINT = "sink.s3.endpoint";
    static final String S3_PATH_STYLE = "sink.s3.path-style";
    static final String S3_REGION = "sink.s3.region";
    static final String S3_CHECKSUM_SHA256 = "sink.s3.checksum-sha256";

    static final String ALLOWED_HOSTS = "sink.url.allowed-hosts";
    static final String ALLOW_PRIVATE = "sink.url.allow-private-addresses";
    static final String MAX_REDIRECTS = "sink.url.max-redirects";
    static final String MAX_IMAGE_BYTES = "sink.max-image-bytes";
    static final String MAX_IMAGES = "sink.max-images-per-event";
    static final String DOWNLOAD_CONCURRENCY = "sink.download.concurrency";
    static final String DOWNLOAD_PER_EVENT = "sink.download.per-event";
    static final String DOWNLOAD_TIMEOUT_MS = "sink.download.timeout-ms";
    static final String DOWNLOAD_CONNECT_TIMEOUT_MS = "sink.download.connect-timeout-ms";
    static final String DOWNLOAD_ATTEMPTS = "sink.download.attempts";
    static final String DOWNLOAD_BACKOFF_MS = "sink.download.backoff-ms";
    static final String TLS_TRUSTSTORE = "sink.tls.truststore";
    static final String TLS_TRUSTSTORE_PASSWORD = "sink.tls.truststore-password";

    /** The {@code service.name} of the sink's spans. */
    static final String SERVICE_NAME = "runflow-kafka-sink";

    private SinkKeys() {}

    /** The common keys plus the sink's own. */
    static ConfigDef define() {
        return CommonKeys.define(DEFAULT_HTTP_PORT)
                .define(
                        TOPIC_COMPLETED,
                        Type.STRING,
                        "headshots.completed",
                        Importance.HIGH,
                        "Input topic of HeadshotsCompleted events.")
                .define(
                        TOPIC_ARCHIVED,
                        Type.STRING,
                        "headshots.archived",
                        Importance.HIGH,
                        "Output topic of HeadshotsArchived events, keyed by headshots id.")
                .define(
                        TOPIC_DLQ,
                        Type.STRING,
                        "headshots.completed.dlq",
                        Importance.HIGH,
                        "Dead-letter topic: original key, value and headers plus the dead-letter headers "
                                + "(__streams.errors.*, runflow.errors.*) with the reason.")
                .define(GROUP_ID, Type.STRING, "storage-sink", Importance.HIGH, "Consumer group id.")
                .define(
                        TRANSACTIONAL_ID,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Transactional id of the producer; must be stable per instance and unique across instances. "
                                + "Empty: <group-id>-<host name>.")
                .define(
                        MAX_EVENTS_IN_FLIGHT,
                        Type.INT,
                        8,
                        Range.between(1, 500),
                        Importance.MEDIUM,
                        "Events archived at the same time (also the consumer's max.poll.records).")
                .define(
                        COMMIT_INTERVAL_MS,
                        Type.LONG,
                        100L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "How long finished events may wait for the transaction that writes their output and commits "
                                + "their offsets (ms).")
                .define(
                        RETRY_BACKOFF_MS,
                        Type.LONG,
                        1_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Pause of a partition after a transient failure, doubled for each further one (ms).")
                .define(
                        RETRY_MAX_BACKOFF_MS,
                        Type.LONG,
                        60_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Longest pause of a partition after transient failures (ms).")
                .define(
                        ARCHIVE,
                        Type.STRING,
                        "filesystem",
                        ValidString.in("filesystem", "s3"),
                        Importance.HIGH,
                        "Archive back end: filesystem or s3.")
                .define(
                        ARCHIVE_DIR,
                        Type.STRING,
                        "./data/archive",
                        Importance.HIGH,
                        "Archive directory of the filesystem back end.")
                .define(
                        ARCHIVE_FSYNC,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Force every archived file to disk before it becomes visible (filesystem back end).")
                .define(
                        ARCHIVE_DIRECT_IO,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Write archived files with direct I/O (O_DIRECT), bypassing the page cache; the sink falls back "
                                + "to buffered writes, with a log line, where the filesystem refuses it (filesystem back end).")
                .define(S3_BUCKET, Type.STRING, "", Importance.HIGH, "Bucket of the s3 back end (must exist).")
                .define(
                        S3_PREFIX,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Key prefix inside the bucket, e.g. archive/prod.")
                .define(
                        S3_ENDPOINT,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Endpoint override for S3-compatible storage (MinIO: http://minio:9000); empty for AWS.")
                .define(
                        S3_PATH_STYLE,
                        Type.BOOLEAN,
                        false,
                        Importance.MEDIUM,
                        "Path-style bucket addressing (host/bucket/key), needed by most S3-compatible servers.")
                .define(S3_REGION, Type.STRING, "us-east-1", Importance.MEDIUM, "Signing region of the s3 back end.")
                .define(
                        S3_CHECKSUM_SHA256,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Send x-amz-checksum-sha256 with each PUT so the server verifies the bytes (AWS, MinIO and s3proxy do); "
                                + "turn off for servers that reject it. Content-MD5 is always sent.")
                .define(
                        ALLOWED_HOSTS,
                        Type.LIST,
                        "cdn.runflow.io",
                        Importance.HIGH,
                        "Hosts image URLs may point to: exact names, IP literals, or *.suffix for subdomains.")
                .define(
                        ALLOW_PRIVATE,
                        Type.BOOLEAN,
                        false,
                        Importance.HIGH,
                        "Admit loopback, private and link-local addresses (development against the emulator only). "
                                + "Metadata, unspecified and multicast addresses stay refused.")
                .define(
                        MAX_REDIRECTS,
                        Type.INT,
                        0,
                        Range.between(0, 5),
                        Importance.LOW,
                        "Redirects followed per image; each target must pass the whole URL policy. 0 follows none.")
                .define(
                        MAX_IMAGE_BYTES,
                        Type.LONG,
                        25L * 1024 * 1024,
                        Range.between(1, Integer.MAX_VALUE - 8),
                        Importance.MEDIUM,
                        "Largest image accepted (bytes).")
                .define(
                        MAX_IMAGES,
                        Type.INT,
                        120,
                        Range.between(1, 999),
                        Importance.LOW,
                        "Most image URLs one event may carry.")
                .define(
                        DOWNLOAD_CONCURRENCY,
                        Type.INT,
                        16,
                        Range.between(1, 1024),
                        Importance.MEDIUM,
                        "Downloads in flight over all events.")
                .define(
                        DOWNLOAD_PER_EVENT,
                        Type.INT,
                        8,
                        Range.between(1, 1024),
                        Importance.MEDIUM,
                        "Downloads in flight for one event.")
                .define(
                        DOWNLOAD_TIMEOUT_MS,
                        Type.LONG,
                        30_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "Total time for one image download, headers and body (ms).")
                .define(
                        DOWNLOAD_CONNECT_TIMEOUT_MS,
                        Type.LONG,
                        5_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Time to open a connection, TCP and TLS (ms).")
                .define(
                        DOWNLOAD_ATTEMPTS,
                        Type.INT,
                        3,
                        Range.between(1, 20),
                        Importance.LOW,
                        "Tries per image before a transient failure makes the whole event wait for a retry.")
                .define(
                        DOWNLOAD_BACKOFF_MS,
                        Type.LONG,
                        250L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Pause before an image's second try, doubled for each further one (ms).")
                .define(
                        TLS_TRUSTSTORE,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "PKCS12 or JKS truststore replacing the JVM's CAs for image downloads (the emulator's dev "
                                + "certificate); empty uses the JVM's CAs.")
                .define(
                        TLS_TRUSTSTORE_PASSWORD,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        "Password of the truststore (a secret; also from sink.tls.truststore-password.file).");
    }
}
