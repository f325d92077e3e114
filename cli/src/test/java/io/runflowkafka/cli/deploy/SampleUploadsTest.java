package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.processor.ProcessorKeys;
import io.runflowkafka.schema.UploadEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** The sandbox's sample uploads are UploadEvents in Avro JSON that lead every order to a headshots job. */
class SampleUploadsTest {

    private static final Path COMPOSE = DeployTree.deploy().resolve("compose");

    @Test
    void shouldDecodeEveryLineAsAnUploadEventKeyedByItsOrder() throws IOException {
        List<String> lines = sampleLines();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            int separator = line.indexOf('|');
            UploadEvent upload = decode(line.substring(separator + 1));
            assertThat(upload.getOrderId()).isEqualTo(line.substring(0, separator));
            URI image = URI.create(upload.getImageUri());
            assertThat(image.getScheme() + "://" + image.getAuthority()).isEqualTo("https://emulator:8443");
            assertThat(image.getPath()).startsWith("/sandbox/samples/");
        }
    }

    @Test
    void shouldGiveEveryOrderEnoughGoodPortraitsForAJob() throws IOException {
        int photosPerJob =
                (Integer) ProcessorKeys.DEFINITION.configKeys().get(ProcessorKeys.ORDERS_PHOTOS_PER_JOB).defaultValue;
        Map<String, Long> portraitsByOrder = sampleLines().stream()
                .map(line -> decode(line.substring(line.indexOf('|') + 1)))
                .collect(Collectors.groupingBy(
                        u -> u.getOrderId().toString(),
                        Collectors.filtering(
                                u -> u.getImageUri().toString().contains("/portrait."), Collectors.counting())));
        assertThat(portraitsByOrder)
                .isNotEmpty()
                .allSatisfy((order, portraits) ->
                        assertThat(portraits).as(order).isGreaterThanOrEqualTo((long) photosPerJob));
    }

    @Test
    void shouldSendWithTheSchemaOfTheRepository() {
        String script = DeployTree.read(COMPOSE.resolve("send-sample-uploads.sh"));
        assertThat(script)
                .contains("../../schemas/src/main/avro/UploadEvent.avsc")
                .contains("--topic photos.uploaded");
        assertThat(COMPOSE.resolve("../../schemas/src/main/avro/UploadEvent.avsc")
                        .normalize())
                .isRegularFile();
    }

    private static List<String> sampleLines() throws IOException {
        return DeployTree.read(COMPOSE.resolve("sample-uploads.txt"))
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.replace("@RUN@", "test-run").replace("@NOW@", "1767225600000"))
                .toList();
    }

    private static UploadEvent decode(String json) {
        try {
            return new SpecificDatumReader<>(UploadEvent.class)
                    .read(null, DecoderFactory.get().jsonDecoder(UploadEvent.getClassSchema(), json));
        } catch (IOException e) {
            throw new AssertionError("not an UploadEvent in Avro JSON: " + json, e);
        }
    }
}
