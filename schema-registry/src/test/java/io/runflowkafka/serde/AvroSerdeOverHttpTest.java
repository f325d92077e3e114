package io.runflowkafka.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.ScriptedHttpServer.Request;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
