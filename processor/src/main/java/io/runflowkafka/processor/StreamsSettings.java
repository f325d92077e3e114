package io.runflowkafka.processor;

import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The processor's own Kafka Streams settings; {@link StreamsProperties} turns them into client properties.
 *
 * @param applicationId {@code application.id}: consumer group, transactional ids and internal topic prefix
 * @param processingGuarantee {@code processing.guarantee}
 * @param streamThreads {@code num.stream.threads}
 * @param stateDir {@code state.dir}
 * @param applicationServer {@code application.server}, when other instances look keys up here
 * @param replicationFactor of internal topics; -1 takes the broker's default
 */
record StreamsSettings(
        String applicationId,
        String processingGuarantee,
        int streamThreads,
        String stateDir,
        Optional<HostInfo> applicationServer,
        short replicationFactor) {}
