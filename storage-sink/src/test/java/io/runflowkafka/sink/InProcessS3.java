package io.runflowkafka.sink;

import io.runflowkafka.sink.archive.S3ArchiveStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An s3proxy server on a fixed loopback port over an in-memory blob store that survives {@link #stop()} and
 * {@link #start()}, so a test can take "S3" down and bring it back with its objects.
 */
final class InProcessS3 implements AutoCloseable {

    static final String ACCESS_KEY = "sink-it-access-key";
    static final String SECRET_KEY = "sink-it-secret-key";

    private final BlobStore blobs = BlobStores.create("transient", new Properties());
    private final int port;
    private S3Proxy proxy;

    InProcessS3() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    InProcessS3 start() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        io.runflowkafka.testkit.Waits.await("s3proxy to start on port " + port)
                .until(() -> "STARTED".equals(proxy.getState()));
        return this;
    }

    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    /** A client with the test's static credentials (the sink itself uses the default provider chain). */
    S3Client client() {
        return S3ArchiveStore.configure(
                        S3Client.builder(),
                        new S3ArchiveStore.Settings("unused", "", Optional.of(endpoint()), true, "us-east-1", false))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
