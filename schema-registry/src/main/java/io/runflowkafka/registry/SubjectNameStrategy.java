package io.runflowkafka.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/** How a topic's value schema maps to a subject, named as Confluent's serializers name their strategies. */
public enum SubjectNameStrategy {
    /** {@code <topic>-value}: Confluent's default, and the only one the project's serdes use. */
    TOPIC_NAME("TopicNameStrategy"),
    /** {@code <record full name>}, whatever the topic. */
    RECORD_NAME("RecordNameStrategy"),
    /** {@code <topic>-<record full name>}. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    /** The subject of {@code topic}'s value schema. */
    public String subject(String topic, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + "-value";
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /**
     * Parses Confluent's class name ({@code io.confluent.kafka.serializers.subject.RecordNameStrategy}), its short name
     * ({@code RecordNameStrategy}) or this enum's name, ignoring case.
     */
    public static Optional<SubjectNameStrategy> parse(String name) {
        String shortName = name.substring(name.lastIndexOf('.') + 1).trim();
        for (SubjectNameStrategy strategy : values()) {
            if (strategy.confluentName.equalsIgnoreCase(shortName)
                    || strategy.name().equalsIgnoreCase(shortName.replace('-', '_'))) {
                return Optional.of(strategy);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return confluentName;
    }
}
