package io.runflowkafka.processor;

import io.runflowkafka.processor.kafka.ProcessorClientSupplier;
import io.runflowkafka.serde.SchemaRegistryConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;

/**
 * The processor's Kafka Streams and schema-registry client properties, and the checks that refuse, at start, a
 * configuration under which its guarantees would not hold (see the README's "Guarantees, and why they hold").
 */
final class StreamsProperties {

    /** Kafka Streams' per-partition buffer and the main consumer's poll size: what a paused task still gets. */
    private static final int INPUT_BUFFER_RECORDS = 100;

    private static final int REGISTRY_TIMEOUT_MS = 2_000;

    private StreamsProperties() {}

    /**
     * The Kafka Streams properties of {@code config}, checked.
     *
     * @throws ConfigException for a configuration the processor's guarantees do not hold under
     */
    static Properties of(ProcessorConfig config) {
        StreamsSettings streams = config.streams();
        Properties props = new Properties();
        props.putAll(config.kafkaProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, streams.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, streams.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streams.streamThreads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, streams.stateDir());
        // Every public topic is read as bytes and decoded by the topology (QualityGateProcessor, DecodedSource), so
        // that a dead letter of bad bytes commits with its input offset; Kafka Streams' deserialization handler
        // sends it before the record is processed, and a commit in between repeated it after a crash. What Kafka
        // Streams still decodes are its internal topics: a record there that does not decode fails the thread.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
        // Processing errors are not data: Kafka Streams' default fails the thread (its transaction aborts), and
        // nothing is dead-lettered for them. A refused call is dead-lettered by the processors themselves.
        streams.applicationServer()
                .ifPresent(server ->
                        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server.host() + ":" + server.port()));
        if (streams.replicationFactor() > 0) {
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) streams.replicationFactor());
        }
        props.putIfAbsent(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, INPUT_BUFFER_RECORDS);
        props.putIfAbsent(
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), INPUT_BUFFER_RECORDS);
        checkTransactionTime(props, registryProperties(config));
        checkGroupProtocol(props);
        return props;
    }

    /**
     * Records a task can still receive after its input is paused: what Kafka Streams had buffered for the
     * partition, and one poll more.
     */
    static int inputBuffer(Properties props) {
        Object buffered = props.get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG);
        Object maxPoll = props.getOrDefault(
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                props.getOrDefault(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, INPUT_BUFFER_RECORDS));
        return Integer.parseInt(String.valueOf(buffered)) + Integer.parseInt(String.valueOf(maxPoll));
    }

    /**
     * Refuses Kafka Streams' {@code streams} group protocol: under it Kafka Streams builds its main consumer itself,
     * never asking {@link ProcessorClientSupplier}, so the input could not be paused and a zombie not fenced.
     */
    private static void checkGroupProtocol(Properties props) {
        Object protocol = props.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        if (protocol != null
                && !"classic".equalsIgnoreCase(String.valueOf(protocol).trim())) {
            throw new ConfigException(
                    "kafka." + StreamsConfig.GROUP_PROTOCOL_CONFIG + "=" + protocol + " is not supported:"
                            + " the processor's back-pressure and zombie fencing live in the main consumer Kafka Streams builds"
                            + " under the classic protocol; remove the setting or set it to classic");
        }
    }

    /**
     * Refuses a configuration under which a stream thread could hold a transaction open near its time-out (the
     * broker would abort it and fence the instance): process() never waits for room, so what remains is the commit
     * interval and one schema-registry call made on the stream thread while outputs are held.
     */
    private static void checkTransactionTime(Properties props, Map<String, Object> registryProperties) {
        if (!String.valueOf(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .startsWith("exactly_once")) {
            return;
        }
        long transactionTimeout = longOf(
                props,
                StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                longOf(props, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000L));
        long commitInterval = longOf(props, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L);
        if (commitInterval * 2 > transactionTimeout) {
            throw new ConfigException("kafka." + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG + " (" + commitInterval
                    + " ms) must be at most half of kafka." + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + " ("
                    + transactionTimeout + " ms): a transaction is held open for a commit interval, and the broker "
                    + "aborts it at its time-out");
        }
        var registry = new SchemaRegistryConfig(registryProperties);
        // The client tries each registry URL in turn before it reports an outage.
        int urls = String.valueOf(registryProperties.get(SchemaRegistryConfig.SCHEMA_REGISTRY_URL))
                .split(",")
                .length;
        long registryCall =
                urls * registry.connectTimeout().plus(registry.readTimeout()).toMillis();
        if (registryCall * 2 > transactionTimeout) {
            throw new ConfigException("the schema registry's time-outs (" + urls + " URL(s) x ("
                    + SchemaRegistryConfig.HTTP_CONNECT_TIMEOUT_MS + " + " + SchemaRegistryConfig.HTTP_READ_TIMEOUT_MS
                    + ") = " + registryCall + " ms) are too long "
                    + "for kafka." + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + " (" + transactionTimeout + " ms): "
                    + "a registry call made while a transaction is open must end well before the broker aborts it");
        }
    }

    /**
     * The registry client's settings, with time-outs short enough for a call made on the stream thread inside an
     * open transaction (the client's own defaults, 5 s + 10 s, are longer than Kafka Streams' 10 s transactions).
     */
    static Map<String, Object> registryProperties(ProcessorConfig config) {
        Map<String, Object> properties = new HashMap<>(config.schemaRegistryProperties());
        // The client tries each URL in turn: the whole try stays within 2 s + 2 s whatever their number.
        int urls = String.valueOf(properties.get(SchemaRegistryConfig.SCHEMA_REGISTRY_URL))
                .split(",")
                .length;
        int perUrl = Math.max(250, REGISTRY_TIMEOUT_MS / urls);
        properties.putIfAbsent(SchemaRegistryConfig.HTTP_CONNECT_TIMEOUT_MS, perUrl);
        properties.putIfAbsent(SchemaRegistryConfig.HTTP_READ_TIMEOUT_MS, perUrl);
        return properties;
    }

    private static long longOf(Properties props, String key, long fallback) {
        Object value = props.get(key);
        return value == null ? fallback : Long.parseLong(String.valueOf(value).strip());
    }
}
