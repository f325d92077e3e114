package io.runflowkafka.processor;

import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The processor's S3 client, built on the first {@code s3://} upload only: most deployments never read S3. */
final class LazyS3 implements Supplier<S3AsyncClient>, AutoCloseable {

    private final S3Settings settings;
    private S3AsyncClient client;

    LazyS3(S3Settings settings) {
        this.settings = settings;
    }

    @Override
    public synchronized S3AsyncClient get() {
        if (client == null) {
            client = settings.newClient();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
