package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.ScriptedHttpServer.Request;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serdes against a registry served over loopback HTTP: what they send, and how rarely. */
class AvroSerdeOverHttpTest {

    private static final String SCOPE = "serde-over-http-test";

    private ScriptedHttpServer server;
    private Map<String, Object> config;

    @BeforeEach
    void startRegistry() throws IOException {
        server = new ScriptedHttpServer().handleWith(new RegistryOverHttp(SCOPE));
        config = new HashMap<>();
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, server.url());
    }

    @AfterEach
    void stopRegistry() {
        server.close();
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldRegisterOnceAndFetchEachIdOnceForAThousandRecords() {
        Serde<UploadEvent> producerSide = AvroSerdes.specific(UploadEvent.class, config, false);
        List<byte[]> written = IntStream.range(0, 1000)
                .mapToObj(i -> producerSide.serializer().serialize("photos.uploaded", SampleRecords.upload("up-" + i)))
                .toList();
        assertThat(server.requests())
                .extracting(Request::method, Request::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("POST", "/subjects/photos.uploaded-value/versions"));

        assertThat(producerSide
                        .deserializer()
                        .deserialize("photos.uploaded", written.get(0))
                        .getUploadId())
                .isEqualTo("up-0");
        assertThat(server.requests())
                .as("the serde's own deserializer knows the id it registered")
                .hasSize(1);

        Deserializer<UploadEvent> consumerSide =
                AvroSerdes.specific(UploadEvent.class, config, false).deserializer();
        List<String> ids = written.stream()
                .map(bytes -> consumerSide.deserialize("photos.uploaded", bytes).getUploadId())
                .toList();

        assertThat(ids).hasSize(1000).startsWith("up-0").endsWith("up-999");
        int id = WireFormat.schemaId(written.get(0));
        assertThat(server.requests())
                .extracting(Request::path)
                .containsExactly("/subjects/photos.uploaded-value/versions", "/schemas/ids/" + id);
    }

    @Test
    void shouldLookUpInsteadOfRegisteringWhenAutoRegisterIsOff() {
        MockSchemaRegistry.getClientForScope(SCOPE).register("photos.uploaded-value", UploadEvent.getClassSchema());
        config.put(SchemaRegistryConfig.AUTO_REGISTER_SCHEMAS, false);
        Serde<UploadEvent> serde = AvroSerdes.specific(UploadEvent.class, config, false);

        serde.serializer().serialize("photos.uploaded", SampleRecords.upload("a"));
        serde.serializer().serialize("photos.uploaded", SampleRecords.upload("b"));

        assertThat(server.requests())
                .extracting(Request::method, Request::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/subjects/photos.uploaded-value"));
    }

    /**
     * A registry of several nodes answers reads from any of them, and a follower that has not read the registry's
     * log up to a new schema answers 40403 for its id for a moment: the record is good and must not be dead-lettered.
     */
    @Test
    void shouldAskAgainWhenAFollowerDoesNotKnowANewIdYet() {
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, config, false)
                .serializer()
                .serialize("photos.uploaded", SampleRecords.upload("fresh"));
        int id = WireFormat.schemaId(bytes);
        RegistryOverHttp registry = new RegistryOverHttp(SCOPE);
        AtomicInteger lookUps = new AtomicInteger();
        server.handleWith(request -> request.path().equals("/schemas/ids/" + id) && lookUps.incrementAndGet() <= 2
                ? ScriptedHttpServer.Response.json(
                        404, "{\"error_code\":40403,\"message\":\"Schema " + id + " not found\"}")
                : registry.apply(request));
        Deserializer<UploadEvent> consumerSide =
                AvroSerdes.specific(UploadEvent.class, config, false).deserializer();

        assertThat(consumerSide.deserialize("photos.uploaded", bytes).getUploadId())
                .isEqualTo("fresh");
        assertThat(lookUps).as("two 40403 answers, then the schema").hasValue(3);
    }

    /** An id no node knows is bad data after a bounded wait; records naming it again are not held that long again. */
    @Test
    void shouldGiveUpOnAnUnknownIdWithinBoundsAndNotWaitForItAgain() {
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, config, false)
                .serializer()
                .serialize("photos.uploaded", SampleRecords.upload("a"));
        byte[] unknown = bytes.clone();
        unknown[1] = 0x7f; // schema id 2,130,706,432 and something: registered nowhere
        Deserializer<UploadEvent> consumerSide =
                AvroSerdes.specific(UploadEvent.class, config, false).deserializer();

        long start = System.nanoTime();
        assertThatThrownBy(() -> consumerSide.deserialize("photos.uploaded", unknown))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema id");
        long firstMs = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        assertThatThrownBy(() -> consumerSide.deserialize("photos.uploaded", unknown))
                .isInstanceOf(SerializationException.class);
        long againMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(firstMs)
                .as("the first record waits for a lagging follower, boundedly")
                .isBetween(1_000L, 5_000L);
        assertThat(againMs).as("the next one is judged by one look-up").isLessThan(500L);
        assertThat(server.requests())
                .extracting(Request::path)
                .filteredOn(path -> path.startsWith("/schemas/ids/"))
                .hasSize(AvroDeserializer.NOT_FOUND_RETRY_DELAYS_MS.length + 2);
    }

    /** Records naming ever new unknown ids (garbage, or a hostile producer) hold the reader a bounded time a minute. */
    @Test
    void shouldPauseForAFewUnknownIdsAMinuteOnly() {
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, config, false)
                .serializer()
                .serialize("photos.uploaded", SampleRecords.upload("a"));
        Deserializer<UploadEvent> consumerSide =
                AvroSerdes.specific(UploadEvent.class, config, false).deserializer();

        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            byte[] unknown = bytes.clone();
            unknown[1] = 0x7f;
            unknown[4] = (byte) i; // twenty different ids, registered nowhere
            assertThatThrownBy(() -> consumerSide.deserialize("photos.uploaded", unknown))
                    .isInstanceOf(SerializationException.class);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(tookMs)
                .as("paused for the first %d unknown ids only", AvroDeserializer.PAUSED_UNKNOWN_IDS_PER_MINUTE)
                .isLessThan(AvroDeserializer.PAUSED_UNKNOWN_IDS_PER_MINUTE * 1_500L + 2_000L);
    }

    @Test
    void shouldNotDisguiseARegistryOutageAsBadData() throws IOException {
        byte[] bytes = AvroSerdes.specific(UploadEvent.class, config, false)
                .serializer()
                .serialize("photos.uploaded", SampleRecords.upload("a"));
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, RestSchemaRegistryClientTest.closedPortUrl());
        Deserializer<UploadEvent> deserializer =
                AvroSerdes.specific(UploadEvent.class, config, false).deserializer();

        assertThatThrownBy(() -> deserializer.deserialize("photos.uploaded", bytes))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .isNotInstanceOf(SerializationException.class);
    }
}
