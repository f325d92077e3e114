package io.runflowkafka.processor.status;

import io.runflowkafka.processor.internal.JobStatus;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Looks job statuses up with Kafka Streams' interactive queries: the key's partition and its active host
 * come from {@link KafkaStreams#queryMetadataForKey}; a key held here is read from the local store, one
 * held elsewhere is answered with that instance's {@code application.server}.
 *
 * <p>Without an {@code application.server} (a single instance) every lookup reads the local stores.
 */
public final class KafkaStreamsJobStatusLookup implements JobStatusLookup {

    private final KafkaStreams streams;
    private final Optional<HostInfo> self;

    /**
     * @param streams the running application
     * @param self this instance's {@code application.server}, empty when none is configured
     */
    public KafkaStreamsJobStatusLookup(KafkaStreams streams, Optional<HostInfo> self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Result byOrderId(String orderId) {
        return lookup(JobStatusTopology.BY_ORDER_ID_STORE, orderId);
    }

    @Override
    public Result byHeadshotsId(String headshotsId) {
        return lookup(JobStatusTopology.BY_HEADSHOTS_ID_STORE, headshotsId);
    }

    private Result lookup(String store, String key) {
        try {
            if (self.isEmpty()) {
                return read(store, key, null);
            }
            KeyQueryMetadata metadata =
                    streams.queryMetadataForKey(store, key, Serdes.String().serializer());
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                return new Unavailable("the job-status store is not available yet (starting or rebalancing)");
            }
            if (!metadata.activeHost().equals(self.get())) {
                return new Elsewhere(metadata.activeHost());
            }
            return read(store, key, metadata.partition());
        } catch (InvalidStateStoreException e) {
            return new Unavailable("the job-status store is not queryable right now ("
                    + e.getClass().getSimpleName() + "); try again");
        } catch (IllegalStateException | StreamsException e) {
            return new Unavailable("the processor is not running (" + streams.state() + ")");
        }
    }

    private Result read(String store, String key, Integer partition) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, JobStatus>> parameters =
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, JobStatus>keyValueStore());
        if (partition != null) {
            parameters = parameters.withPartition(partition);
        }
        JobStatus status = streams.store(parameters).get(key);
        return status == null ? new NotFound() : new Found(status);
    }
}
