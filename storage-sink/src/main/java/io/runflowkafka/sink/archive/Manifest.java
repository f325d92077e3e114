package io.runflowkafka.sink.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of an archived job, written after all its images: for each image the source URL,
 * key, size, SHA-256, content type and when it was archived, plus where the job came from. Its presence means
 * the job is complete. Timestamps are ISO-8601 instants.
 *
 * @param version the manifest format, {@link #VERSION} when written by this sink
 * @param headshotsId Runflow's job id
 * @param jobRef the processor's job reference
 * @param deliveryId the callback delivery that carried the job
 * @param archiveUri the archive root keys are relative to
 * @param archivedAt when the manifest was written
 * @param expiresAt when the source URLs were due to expire
 * @param source the Kafka record the job was archived from
 * @param totalBytes sum of the images' sizes
 * @param images every image, in the order of the completion's image_urls
 * @param attributes the completion's attributes
 */
public record Manifest(
        int version,
        String headshotsId,
        String jobRef,
        String deliveryId,
        String archiveUri,
        String archivedAt,
        String expiresAt,
        Source source,
        long totalBytes,
        List<Image> images,
        Map<String, String> attributes) {

    /** The format this sink writes; bumped only on incompatible changes. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One archived image.
     *
     * @param index 1-based position in image_urls
     * @param sourceUrl the URL it was downloaded from
     * @param key its archive key
     * @param sizeBytes its size
     * @param sha256 lowercase hex SHA-256
     * @param contentType its verified media type
     * @param archivedAt when it was written (or first written, when a redelivery kept it)
     */
    public record Image(
            int index,
            String sourceUrl,
            String key,
            long sizeBytes,
            String sha256,
            String contentType,
            String archivedAt) {}

    /**
     * The record a job was archived from, which tells a redelivery of that record (whose archived event may not
     * have been committed) from a second completion of the same job (whose event was).
     *
     * @param topic the input topic
     * @param partition its partition
     * @param offset the record's offset
     */
    public record Source(String topic, int partition, long offset) {}

    /** The manifest as UTF-8 JSON. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException("a manifest always serializes", e);
        }
    }

    /** Parses a manifest. */
    public static Manifest fromJson(byte[] json) throws IOException {
        return JSON.readValue(json, Manifest.class);
    }
}
