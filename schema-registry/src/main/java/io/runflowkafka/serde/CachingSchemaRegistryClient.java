package io.runflowkafka.serde;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches another client's answers so a schema is registered or looked up once per subject and fetched once per id.
 * Reads are lock-free; misses go to the delegate one at a time, so concurrent misses for the same key make one call.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Long latestTtlNanos;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, CachedLatest> latestBySubject = new ConcurrentHashMap<>();
    private final Object missLock = new Object();

    /**
     * Wraps the delegate.
     *
     * @param latestTtl how long a subject's latest version stays cached; null keeps it for the life of the client
     */
    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, Duration latestTtl) {
        this.delegate = delegate;
        this.latestTtlNanos = latestTtl == null ? null : latestTtl.toNanos();
    }

    @Override
    public int register(String subject, Schema schema) {
        return idOf(subject, schema, delegate::register);
    }

    @Override
    public int getId(String subject, Schema schema) {
        return idOf(subject, schema, delegate::getId);
    }

    /** The cached id, else asks the registry once (double-checked under the miss lock) and remembers it. */
    private int idOf(String subject, Schema schema, java.util.function.ToIntBiFunction<String, Schema> ask) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        synchronized (missLock) {
            cached = cachedId(subject, schema);
            if (cached != null) {
                return cached;
            }
            int id = ask.applyAsInt(subject, schema);
            remember(subject, schema, id);
            return id;
        }
    }

    @Override
    public boolean readsMayLag() {
        return delegate.readsMayLag();
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        synchronized (missLock) {
            return schemasById.computeIfAbsent(id, delegate::getSchemaById);
        }
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        CachedLatest cached = latestBySubject.get(subject);
        if (cached != null && fresh(cached)) {
            return cached.schema();
        }
        synchronized (missLock) {
            cached = latestBySubject.get(subject);
            if (cached != null && fresh(cached)) {
                return cached.schema();
            }
            RegisteredSchema latest = delegate.getLatestVersion(subject);
            latestBySubject.put(subject, new CachedLatest(latest, System.nanoTime()));
            remember(subject, latest.schema(), latest.id());
            return latest;
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "CachingSchemaRegistryClient[" + delegate + "]";
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private boolean fresh(CachedLatest cached) {
        return latestTtlNanos == null || System.nanoTime() - cached.fetchedAtNanos() < latestTtlNanos;
    }

    private record CachedLatest(RegisteredSchema schema, long fetchedAtNanos) {}
}
