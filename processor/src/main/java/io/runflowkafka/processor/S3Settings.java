package io.runflowkafka.processor;

import java.net.URI;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * How {@code s3://} image URIs are read.
 *
 * @param endpoint an endpoint override (MinIO and others); empty for AWS
 * @param region the S3 region
 * @param pathStyle path-style access (MinIO and others)
 */
record S3Settings(String endpoint, String region, boolean pathStyle) {

    /** A new client with these settings and the AWS SDK's default credentials chain. */
    S3AsyncClient newClient() {
        var builder = S3AsyncClient.builder().region(Region.of(region)).forcePathStyle(pathStyle);
        if (!endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }
}
