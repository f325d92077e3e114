package io.runflowkafka.sink.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3ArchiveStoreIT {

    private static final String KEY = "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10/001.jpg";
    private static final String MANIFEST = "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10/manifest.json";

    @RegisterExtension
    final S3ProxyExtension s3 = S3ProxyExtension.builder()
            .withBlobStoreProvider("transient")
            .withCredentials("test-access-key", "test-secret-key")
            .build();

    private S3Client client;

    @BeforeEach
    void createBucket() {
        client = client(s3.getUri());
        client.createBucket(b -> b.bucket("archive"));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private S3Client client(URI endpoint) {
        return S3ArchiveStore.configure(S3Client.builder(), settings("archive", "", endpoint, false))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.getAccessKey(), s3.getSecretKey())))
                .build();
    }

    private static S3ArchiveStore.Settings settings(
            String bucket, String prefix, URI endpoint, boolean sha256Checksum) {
        return new S3ArchiveStore.Settings(bucket, prefix, Optional.of(endpoint), true, "us-east-1", sha256Checksum);
    }

    private S3ArchiveStore store(String prefix, boolean sha256Checksum) {
        return new S3ArchiveStore(client(s3.getUri()), settings("archive", prefix, s3.getUri(), sha256Checksum));
    }

    @Test
    void shouldWriteAnObjectUnderThePrefixAndFindItByHeadWithItsHash() throws Exception {
        byte[] content = "jpeg bytes".getBytes(StandardCharsets.UTF_8);
        String sha = S3ArchiveStore.sha256Hex(content);
        try (S3ArchiveStore store = store("/archive/prod/", false)) {
            store.write(KEY, content, sha, "image/jpeg");

            assertThat(store.uri()).isEqualTo("s3://archive/archive/prod");
            StoredObject found = store.find(KEY).orElseThrow();
            assertThat(found.matches(content.length, sha)).isTrue();
            assertThat(store.read(KEY))
                    .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(content));
        }
        var head = client.headObject(b -> b.bucket("archive").key("archive/prod/" + KEY));
        assertThat(head.contentType()).isEqualTo("image/jpeg");
        assertThat(head.metadata()).containsEntry("sha256", sha);
    }

    @Test
    void shouldAcceptTheSha256ChecksumHeaderWhenEnabled() throws Exception {
        byte[] content = "png bytes".getBytes(StandardCharsets.UTF_8);
        try (S3ArchiveStore store = store("", true)) {
            store.write(KEY, content, S3ArchiveStore.sha256Hex(content), "image/png");

            assertThat(store.find(KEY))
                    .hasValueSatisfying(found -> assertThat(found.sizeBytes()).isEqualTo(content.length));
        }
    }

    @Test
    void shouldRefuseAnObjectWhoseChecksumDoesNotMatchItsBytes() {
        byte[] content = "jpeg bytes".getBytes(StandardCharsets.UTF_8);
        try (S3ArchiveStore store = store("", true)) {
            assertThatThrownBy(
                            () -> store.write(KEY, content, S3ArchiveStore.sha256Hex("other".getBytes()), "image/jpeg"))
                    .isInstanceOf(ArchiveException.class);
            assertThat(store.find(KEY)).isEmpty();
        } catch (ArchiveException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldCreateTheManifestOnlyOnce() throws Exception {
        try (S3ArchiveStore store = store("", false)) {
            assertThat(store.writeIfAbsent(
                            MANIFEST, new byte[] {'1'}, S3ArchiveStore.sha256Hex(new byte[] {'1'}), "application/json"))
                    .isTrue();
            assertThat(store.writeIfAbsent(
                            MANIFEST, new byte[] {'2'}, S3ArchiveStore.sha256Hex(new byte[] {'2'}), "application/json"))
                    .isFalse();

            assertThat(store.read(MANIFEST))
                    .hasValueSatisfying(bytes -> assertThat(bytes).containsExactly('1'));
        }
    }

    @Test
    void shouldHashAnObjectWrittenByAnotherToolRatherThanTrustItsSize() throws Exception {
        client.putObject(b -> b.bucket("archive").key(KEY), RequestBody.fromString("abc"));
        try (S3ArchiveStore store = store("", false)) {
            StoredObject found = store.find(KEY).orElseThrow();

            assertThat(found.sha256()).isEqualTo(S3ArchiveStore.sha256Hex("abc".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void shouldListTheObjectsOfAJobWithTheirSizes() throws Exception {
        String job = "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10";
        try (S3ArchiveStore store = store("archive/prod", false)) {
            store.write(
                    job + "/001.jpg",
                    new byte[] {1, 2, 3},
                    S3ArchiveStore.sha256Hex(new byte[] {1, 2, 3}),
                    "image/jpeg");
            store.write(job + "/002.jpg", new byte[] {4}, S3ArchiveStore.sha256Hex(new byte[] {4}), "image/jpeg");
            store.write(
                    "headshots/7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a11/001.jpg",
                    new byte[] {5},
                    S3ArchiveStore.sha256Hex(new byte[] {5}),
                    "image/jpeg");

            assertThat(store.list(job))
                    .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(job + "/001.jpg", 3L, job + "/002.jpg", 1L));
        }
    }

    @Test
    void shouldReportMissingObjectsAsEmpty() throws Exception {
        try (S3ArchiveStore store = store("", false)) {
            assertThat(store.find(KEY)).isEmpty();
            assertThat(store.read(MANIFEST)).isEmpty();
            store.probe();
        }
    }

    @Test
    void shouldReportAnUnreachableOrMissingBucketAsAnArchiveFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI down = URI.create("http://127.0.0.1:" + closedPort);
        try (S3ArchiveStore unreachable = new S3ArchiveStore(client(down), settings("archive", "", down, false));
                S3ArchiveStore missing =
                        new S3ArchiveStore(client(s3.getUri()), settings("no-such-bucket", "", s3.getUri(), false))) {
            assertThatThrownBy(() -> unreachable.write(
                            KEY, new byte[] {1}, S3ArchiveStore.sha256Hex(new byte[] {1}), "image/jpeg"))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("s3://archive/" + KEY);
            assertThatThrownBy(unreachable::probe).isInstanceOf(ArchiveException.class);
            assertThatThrownBy(missing::probe)
                    .isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("no-such-bucket");
        }
    }
}
