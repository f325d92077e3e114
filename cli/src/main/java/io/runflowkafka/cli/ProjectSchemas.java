package io.runflowkafka.cli;

import io.runflowkafka.bridge.BridgeConfig;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.RunCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The value schema of every topic the services write Avro to, under the topic names the services use by default:
 * what {@code runflow-kafka schemas check} tests against a registry. Dead-letter topics carry the refused bytes as
 * they came, under no schema of their own.
 */
final class ProjectSchemas {

    private ProjectSchemas() {}

    static Map<String, Schema> byTopic() {
        ProcessorConfig processor = ProcessorConfig.defaults();
        var gate = processor.gateTopics();
        var status = processor.statusTopics();
        return Map.of(
                gate.uploaded(), UploadEvent.getClassSchema(),
                gate.accepted(), ScoredUpload.getClassSchema(),
                gate.retake(), ScoredUpload.getClassSchema(),
                status.jobs(), HeadshotJob.getClassSchema(),
                status.completed(), HeadshotsCompleted.getClassSchema(),
                status.archived(), HeadshotsArchived.getClassSchema(),
                BridgeConfig.defaultRunsTopic(), RunCompleted.getClassSchema());
    }
}
