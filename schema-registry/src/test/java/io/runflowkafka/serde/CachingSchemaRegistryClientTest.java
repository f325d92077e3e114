package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.UploadEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryClientTest {

    private static final String SCOPE = "caching-client-test";

    @AfterAll
    static void dropScope() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldRegisterOncePerSubjectAndKnowTheSchemaOfTheIdItGot() {
        Counting delegate = new Counting();
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(delegate, null);

        int first = client.register("a-value", UploadEvent.getClassSchema());
        int second = client.register("a-value", UploadEvent.getClassSchema());
        int otherSubject = client.register("b-value", UploadEvent.getClassSchema());

        assertThat(second).isEqualTo(first).isEqualTo(otherSubject);
        assertThat(delegate.calls).hasValue(2);
        assertThat(client.getSchemaById(first)).isEqualTo(UploadEvent.getClassSchema());
        assertThat(client.getId("a-value", UploadEvent.getClassSchema())).isEqualTo(first);
        assertThat(delegate.calls)
                .as("no call for a known id or a registered schema")
                .hasValue(2);
    }

    @Test
    void shouldNotCacheFailures() {
        Counting delegate = new Counting();
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(delegate, null);

        assertThatThrownBy(() -> client.getId("missing-value", HeadshotJob.getClassSchema()))
                .isInstanceOf(SubjectNotFoundException.class);
        delegate.register("missing-value", HeadshotJob.getClassSchema());

        assertThat(client.getId("missing-value", HeadshotJob.getClassSchema())).isPositive();
    }

    @Test
    void shouldRefetchTheLatestVersionOnlyOnceItsTtlHasPassed() {
        Counting delegate = new Counting();
        delegate.register("latest-value", UploadEvent.getClassSchema());
        int before = delegate.calls.get();
        CachingSchemaRegistryClient forever = new CachingSchemaRegistryClient(delegate, null);
        CachingSchemaRegistryClient never = new CachingSchemaRegistryClient(delegate, Duration.ZERO);

        forever.getLatestVersion("latest-value");
        forever.getLatestVersion("latest-value");
        assertThat(delegate.calls.get() - before).isEqualTo(1);
        never.getLatestVersion("latest-value");
        never.getLatestVersion("latest-value");
        assertThat(delegate.calls.get() - before).isEqualTo(3);
    }

    @Test
    void shouldMakeOneCallForConcurrentMissesOfTheSameSchema() throws Exception {
        Counting delegate = new Counting();
        CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(delegate, null);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(pool.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return client.register("race-value", UploadEvent.getClassSchema());
                }));
            }
            start.countDown();
            for (Future<Integer> id : ids) {
                assertThat(id.get(5, TimeUnit.SECONDS)).isEqualTo(ids.get(0).get(5, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(delegate.calls).hasValue(1);
    }

    /** The in-memory registry, counting the calls that reach it. */
    private static final class Counting implements SchemaRegistryClient {
        private final SchemaRegistryClient registry = MockSchemaRegistry.getClientForScope(SCOPE);
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public int register(String subject, Schema schema) {
            calls.incrementAndGet();
            return registry.register(subject, schema);
        }

        @Override
        public int getId(String subject, Schema schema) {
            calls.incrementAndGet();
            return registry.getId(subject, schema);
        }

        @Override
        public Schema getSchemaById(int id) {
            calls.incrementAndGet();
            return registry.getSchemaById(id);
        }

        @Override
        public RegisteredSchema getLatestVersion(String subject) {
            calls.incrementAndGet();
            return registry.getLatestVersion(subject);
        }
    }
}
