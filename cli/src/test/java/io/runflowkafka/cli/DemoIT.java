package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.emulator.RunflowEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The one-command demo end to end, as a user runs it, with a small feed. */
class DemoIT {

    @Test
    void shouldArchiveEveryOrderAndExplainEveryRetake() throws Exception {
        Path data = Path.of("target", "demo-it-" + UUID.randomUUID());
        StringWriter out = new StringWriter();
        var line = Main.commandLine();
        line.setOut(new PrintWriter(out));

        Path ownPhotos = Files.createDirectories(data.resolve("own-photos"));
        Files.write(ownPhotos.resolve("me.jpg"), samplePortrait());

        int exit = line.execute(
                "demo",
                "--data",
                data.toString(),
                "--orders",
                "2",
                "--images",
                ownPhotos.toString(),
                "--timeout",
                "PT150S");

        String summary = out.toString();
        assertThat(exit).as(summary).isZero();
        assertThat(summary)
                .contains(
                        "demo finished",
                        "Scored 7 uploads: 5 accepted, 2 to retake, 0 dead-lettered.",
                        "tip: too dark: face a window or turn on a light",
                        "tip: blurry");
        assertThat(summary.lines().filter(l -> l.contains("60 images archived in")))
                .as("the two sample orders and the order of your own photos, sent as files")
                .hasSize(3)
                .anyMatch(l -> l.contains("-your-photos"));

        List<Path> manifests;
        try (Stream<Path> files = Files.walk(data.resolve("archive"))) {
            manifests = files.filter(p -> p.getFileName().toString().equals("manifest.json"))
                    .toList();
        }
        assertThat(manifests).hasSize(3);
        for (Path manifest : manifests) {
            JsonNode images = new ObjectMapper().readTree(manifest.toFile()).get("images");
            assertThat(images).hasSize(60);
            for (JsonNode image : images) {
                Path file = data.resolve("archive").resolve(image.get("key").asText());
                assertThat(sha256(file))
                        .as(file.toString())
                        .isEqualTo(image.get("sha256").asText());
                assertThat(Files.size(file)).isEqualTo(image.get("size_bytes").asLong());
            }
        }
    }

    /** The emulator's good sample portrait, as a user's own photo file. */
    private static byte[] samplePortrait() throws IOException, InterruptedException {
        try (RunflowEmulator emulator = RunflowEmulator.builder().build().start()) {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(emulator.sampleUrl("portrait.jpg")))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body();
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
