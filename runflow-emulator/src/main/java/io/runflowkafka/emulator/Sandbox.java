package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Sample photos the emulator serves for demos and load tests ({@code GET /sandbox/samples/{name}}):
 * a good portrait and one per defect, drawn once on first request.
 */
final class Sandbox {

    /** The sample names. */
    static final List<String> NAMES =
            List.of("portrait.jpg", "portrait.png", "dark.jpg", "blurry.jpg", "small.jpg", "washed-out.jpg");

    private static final long SEED = 20_240_601L;
    private static final int WIDTH = 1024;
    private static final int HEIGHT = 1280;

    private final Map<String, byte[]> rendered = new ConcurrentHashMap<>();
    private final ObjectMapper json;
    private final Responder responder;
    private final Supplier<String> publicBaseUrl;

    Sandbox(ObjectMapper json, Responder responder, Supplier<String> publicBaseUrl) {
        this.json = json;
        this.responder = responder;
        this.publicBaseUrl = publicBaseUrl;
    }

    void list(Context ctx) {
        responder.write(
                ctx,
                Reply.json(
                        json,
                        200,
                        Map.of(
                                "samples",
                                NAMES.stream()
                                        .map(name -> publicBaseUrl.get() + "/sandbox/samples/" + name)
                                        .toList())),
                Duration.ZERO);
    }

    void sample(Context ctx) {
        String name = ctx.pathParam("name");
        if (!NAMES.contains(name)) {
            responder.write(
                    ctx, Reply.error(json, new ApiError(404, "no such sample; see /sandbox/samples")), Duration.ZERO);
            return;
        }
        byte[] bytes = rendered.computeIfAbsent(name, Sandbox::render);
        responder.write(
                ctx,
                new Reply(
                        200,
                        bytes,
                        name.endsWith(".png") ? "image/png" : "image/jpeg",
                        Map.of("Cache-Control", "public, max-age=86400")),
                Duration.ZERO);
    }

    static byte[] render(String name) {
        BufferedImage portrait = SamplePhotos.portrait(SEED, WIDTH, HEIGHT);
        return switch (name) {
            case "portrait.jpg" -> SamplePhotos.jpeg(portrait, 0.9f);
            case "portrait.png" -> SamplePhotos.encode(portrait, "png");
            case "dark.jpg" -> SamplePhotos.jpeg(SamplePhotos.exposure(portrait, 0.25, 0), 0.9f);
            case "blurry.jpg" -> SamplePhotos.jpeg(SamplePhotos.blur(portrait, 6), 0.9f);
            case "small.jpg" -> SamplePhotos.jpeg(SamplePhotos.resize(portrait, 160, 200), 0.9f);
            case "washed-out.jpg" -> SamplePhotos.jpeg(SamplePhotos.exposure(portrait, 0.35, 150), 0.9f);
            default -> throw new IllegalArgumentException("unknown sample " + name);
        };
    }
}
