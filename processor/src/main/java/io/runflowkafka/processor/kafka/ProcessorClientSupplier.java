package io.runflowkafka.processor.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;

/**
 * Kafka Streams' own clients, with two additions the processor's guarantees need (Kafka Streams has neither):
 * each stream thread's main consumer can hold its task's input partitions paused ({@link InputFlowConsumer}),
 * and each thread's transactional producer never commits a transaction without an offset commit, so that the
 * group coordinator fences a zombie ({@link FencingProducer}). While answers are awaited, a main consumer's poll waits
 * at most the drain interval.
 */
public final class ProcessorClientSupplier extends DefaultKafkaClientSupplier {

    private static final String CONSUMER_SUFFIX = "-consumer";
    private static final String PRODUCER_SUFFIX = "-producer";

    /** Main consumers by their stream thread's client id, so that a thread's producer finds its consumer. */
    private final Map<String, InputFlowConsumer> consumers = new ConcurrentHashMap<>();

    private final Map<String, FencingProducer> producers = new ConcurrentHashMap<>();
    private final Supplier<Optional<Duration>> longestPoll;

    /**
     * @param longestPoll how long a main consumer's poll may wait now: the drain interval while calls are pending,
     *     empty (as long as Kafka Streams asks) otherwise
     */
    public ProcessorClientSupplier(Supplier<Optional<Duration>> longestPoll) {
        this.longestPoll = longestPoll;
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        String threadClientId = threadClientId(config.get(ConsumerConfig.CLIENT_ID_CONFIG), CONSUMER_SUFFIX);
        InputFlowConsumer consumer = new InputFlowConsumer(config, longestPoll, () -> {
            consumers.remove(threadClientId);
            producers.remove(threadClientId);
        });
        consumers.put(threadClientId, consumer);
        FencingProducer producer = producers.get(threadClientId);
        if (producer != null) {
            consumer.producer(producer);
        }
        return consumer;
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        if (config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG) == null) {
            return super.getProducer(config);
        }
        String threadClientId = threadClientId(config.get(ProducerConfig.CLIENT_ID_CONFIG), PRODUCER_SUFFIX);
        FencingProducer producer = new FencingProducer(config, () -> consumers.get(threadClientId));
        // Kafka Streams creates a thread's producer before its main consumer; link them whichever comes first.
        producers.put(threadClientId, producer);
        InputFlowConsumer consumer = consumers.get(threadClientId);
        if (consumer != null) {
            consumer.producer(producer);
        }
        return producer;
    }

    private static String threadClientId(Object clientId, String suffix) {
        String id = String.valueOf(clientId);
        return id.endsWith(suffix) ? id.substring(0, id.length() - suffix.length()) : id;
    }
}
