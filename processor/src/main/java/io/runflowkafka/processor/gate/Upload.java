package io.runflowkafka.processor.gate;

import io.runflowkafka.schema.UploadEvent;

/**
 * A decoded upload together with the value bytes it was decoded from, so that a dead-lettered upload
 * keeps its original bytes.
 */
public record Upload(UploadEvent event, byte[] rawValue) {}
