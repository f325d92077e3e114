package io.runflowkafka.processor.status;

import io.runflowkafka.common.kafka.DeadLetterHeaders;
import io.runflowkafka.processor.internal.JobStatus;
import io.runflowkafka.processor.internal.SubmissionRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a dead-letter record into a FAILED status. Reads the reason from the project's dead-letter headers
 * ({@code __streams.errors.*}, {@code runflow.errors.*}: {@link io.runflowkafka.common.kafka.DeadLetterHeaders}),
 * which the processor and the storage sink both write.
 */
final class DeadLetterStatus implements FixedKeyProcessor<String, byte[], JobStatus> {

    private static final int MAX_REASON_CHARS = 1_000;

    private final String stage;
    private FixedKeyProcessorContext<String, JobStatus> context;

    /** @param stage what failed: {@code submit} or {@code archive} */
    DeadLetterStatus(String stage) {
        this.stage = stage;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, JobStatus> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        Headers headers = record.headers();
        String detail = DeadLetterHeaders.read(headers, DeadLetterHeaders.STAGE);
        String message = DeadLetterHeaders.read(headers, DeadLetterHeaders.MESSAGE);
        String reason = (detail == null || detail.equals(stage) ? "" : detail + ": ")
                + (message == null ? "no reason recorded" : message);
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "…";
        }
        JobStatus status = JobStatuses.failed(stage, reason, failedAt(headers));
        if (stage.equals("submit")) {
            status.setOrderId(record.key());
            SubmissionRequest request = request(record.value());
            if (request != null) {
                status.setJobRef(request.getJobRef());
                status.setUserId(request.getUserId());
                status.setInputImages(request.getInputImageUrls().size());
            }
        } else {
            status.setHeadshotsId(record.key());
        }
        context.forward(record.withValue(status));
    }

    private long failedAt(Headers headers) {
        String at = DeadLetterHeaders.read(headers, DeadLetterHeaders.FAILED_AT);
        if (at != null) {
            try {
                return Instant.parse(at).toEpochMilli();
            } catch (DateTimeParseException e) {
                // Falls through to the time this view learned of the failure.
            }
        }
        return context.currentSystemTimeMs();
    }

    /** The refused submission (the processor writes it in Avro's JSON encoding), or null when unreadable. */
    private static SubmissionRequest request(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return new SpecificDatumReader<>(SubmissionRequest.class)
                    .read(
                            null,
                            DecoderFactory.get()
                                    .jsonDecoder(
                                            SubmissionRequest.getClassSchema(),
                                            new String(value, StandardCharsets.UTF_8)));
        } catch (IOException | AvroRuntimeException e) {
            return null;
        }
    }
}
