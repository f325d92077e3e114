package io.runflowkafka.sink.archive;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An archive in an S3-compatible bucket (AWS S3, MinIO, Ceph, s3proxy, …) under an optional prefix. A single
 * PUT is atomic, so objects are written in one request with {@code Content-MD5} (and, where enabled,
 * {@code x-amz-checksum-sha256}) for integrity; the SHA-256 is also kept as user metadata so a redelivery
 * can compare objects with a HEAD instead of a download.
 */
public final class S3ArchiveStore implements ArchiveStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ArchiveStore.class);
    /** User-metadata key (sent as {@code x-amz-meta-sha256}) holding the object's SHA-256 in hex. */
    static final String SHA256_METADATA = "sha256";

    /**
     * Where and how to write.
     *
     * @param bucket the bucket, which must exist
     * @param prefix a key prefix without leading or trailing slash, or empty
     * @param endpoint an endpoint override (MinIO and others), or empty for AWS
     * @param pathStyle whether to address the bucket in the path ({@code host/bucket/key}), as most
     *     S3-compatible servers need
     * @param region the signing region
     * @param sha256Checksum whether to send {@code x-amz-checksum-sha256} (AWS and MinIO check it; some servers reject it)
     */
    public record Settings(
            String bucket,
            String prefix,
            Optional<URI> endpoint,
            boolean pathStyle,
            String region,
            boolean sha256Checksum) {}

    private final S3Client client;
    private final Settings settings;
    private final String prefix;
    private final AtomicBoolean conditionalWrites = new AtomicBoolean(true);

    /** A store over a client the caller built (and closes through {@link #close()}). */
    public S3ArchiveStore(S3Client client, Settings settings) {
        this.client = client;
        this.settings = settings;
        String trimmed = settings.prefix() == null ? "" : settings.prefix().strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        this.prefix = trimmed;
    }

    /** A store whose client takes credentials from the default AWS provider chain (environment, profile, IMDS, …). */
    public static S3ArchiveStore withDefaultCredentials(Settings settings) {
        S3ClientBuilder builder = configure(S3Client.builder(), settings)
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        return new S3ArchiveStore(builder.build(), settings);
    }

    /**
     * Applies region, endpoint, path style and checksum behaviour to a builder; tests add static credentials.
     * Checksums are computed only where required because several S3-compatible servers reject the SDK's
     * default trailing checksums; integrity comes from the explicit Content-MD5 instead.
     */
    public static S3ClientBuilder configure(S3ClientBuilder builder, Settings settings) {
        builder.region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // Bounded calls: a hung back end must surface as a failure the sink retries, not a stuck event.
                .overrideConfiguration(
                        o -> o.apiCallAttemptTimeout(Duration.ofSeconds(30)).apiCallTimeout(Duration.ofMinutes(2)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    @Override
    public String uri() {
        return "s3://" + settings.bucket() + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** The object key of an archive key: the prefix joined to it. */
    public String objectKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    @Override
    public Optional<StoredObject> find(String key) throws ArchiveException {
        HeadObjectResponse head;
        try {
            head = client.headObject(b -> b.bucket(settings.bucket()).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("cannot look up", key, e);
        } catch (SdkException e) {
            throw failure("cannot look up", key, e);
        }
        Instant modified = head.lastModified() == null ? Instant.now() : head.lastModified();
        String sha256 = head.metadata().get(SHA256_METADATA);
        if (sha256 == null) {
            // Written by something else: hash the object itself rather than trust its size alone.
            Optional<byte[]> bytes = read(key);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new StoredObject(key, bytes.get().length, sha256Hex(bytes.get()), modified));
        }
        return Optional.of(new StoredObject(key, head.contentLength(), sha256, modified));
    }

    @Override
    public Map<String, Long> list(String prefix) throws ArchiveException {
        String folder = objectKey(prefix) + "/";
        Map<String, Long> objects = new HashMap<>();
        try {
            client.listObjectsV2Paginator(
                            b -> b.bucket(settings.bucket()).prefix(folder).delimiter("/"))
                    .contents()
                    .forEach(object ->
                            objects.put(prefix + "/" + object.key().substring(folder.length()), object.size()));
        } catch (SdkException e) {
            throw failure("cannot list", prefix, e);
        }
        return objects;
    }

    @Override
    public void write(String key, byte[] content, String sha256, String contentType) throws ArchiveException {
        try {
            client.putObject(put(key, content, sha256, contentType).build(), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("cannot write", key, e);
        }
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] content, String sha256, String contentType)
            throws ArchiveException {
        if (find(key).isPresent()) {
            return false;
        }
        PutObjectRequest.Builder request = put(key, content, sha256, contentType);
        boolean conditional = conditionalWrites.get();
        if (conditional) {
            // Closes the window between the HEAD and the PUT where the server supports conditional writes.
            request.ifNoneMatch("*");
        }
        try {
            client.putObject(request.build(), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            if (conditional && (e.statusCode() == 501 || "NotImplemented".equals(errorCode(e)))) {
                LOG.info(
                        "the S3 server does not support conditional writes; create-only writes fall back to HEAD then PUT");
                conditionalWrites.set(false);
                return writeIfAbsent(key, content, sha256, contentType);
            }
            throw failure("cannot write", key, e);
        } catch (SdkException e) {
            throw failure("cannot write", key, e);
        }
    }

    @Override
    public Optional<byte[]> read(String key) throws ArchiveException {
        try {
            ResponseBytes<GetObjectResponse> bytes =
                    client.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(objectKey(key)));
            return Optional.of(bytes.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // A missing bucket is an archive fault, not a missing object: report it so the event is retried.
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                return Optional.empty();
            }
            throw failure("cannot read", key, e);
        } catch (SdkException e) {
            throw failure("cannot read", key, e);
        }
    }

    @Override
    public void probe() throws ArchiveException {
        try {
            client.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw new ArchiveException("bucket " + settings.bucket() + " is not reachable (" + describe(e) + ")", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private PutObjectRequest.Builder put(String key, byte[] content, String sha256, String contentType) {
        byte[] sha = HexFormat.of().parseHex(sha256);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(objectKey(key))
                .contentType(contentType)
                .contentLength((long) content.length)
                .contentMD5(Base64.getEncoder().encodeToString(digest("MD5", content)))
                .metadata(Map.of(SHA256_METADATA, sha256));
        if (settings.sha256Checksum()) {
            request.checksumSHA256(Base64.getEncoder().encodeToString(sha));
        }
        return request;
    }

    private ArchiveException failure(String what, String key, SdkException e) {
        return new ArchiveException(what + " " + uri() + "/" + key + " (" + describe(e) + ")", e);
    }

    private static String describe(SdkException e) {
        if (e instanceof S3Exception s3) {
            return "HTTP " + s3.statusCode() + (errorCode(s3) == null ? "" : " " + errorCode(s3));
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    private static byte[] digest(String algorithm, byte[] content) {
        try {
            return MessageDigest.getInstance(algorithm).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    @Override
    public String toString() {
        return "S3ArchiveStore[" + uri()
                + settings.endpoint().map(e -> " at " + e).orElse("") + "]";
    }
}
