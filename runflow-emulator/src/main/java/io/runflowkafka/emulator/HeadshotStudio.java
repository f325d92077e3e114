package io.runflowkafka.emulator;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * Renders a job's headshots: real JPEGs of about 200 KB derived from its first decodable input photo
 * (or, when none decodes, from a portrait drawn from the job id). To stay cheap it renders and encodes
 * {@value #LOOKS} looks per job from one framing (mirror, colour grade, film grain); image {@code n} of 60 is
 * look {@code n mod 4} with its number stamped in a JPEG comment, so all 60 files differ.
 */
final class HeadshotStudio {

    /** Distinct renders per job. */
    static final int LOOKS = 4;

    static final int WIDTH = 800;
    static final int HEIGHT = 1000;
    private static final float QUALITY = 0.85f;
    /** Darkening towards the corners, the same for every look, computed once. */
    private static final float[] VIGNETTE = vignette();

    /** Encoded looks for a job, rendered once. */
    List<byte[]> render(UUID jobId, List<byte[]> inputs) {
        BufferedImage base = firstDecodable(inputs);
        if (base == null) {
            base = SamplePhotos.portrait(jobId.getMostSignificantBits(), WIDTH, HEIGHT);
        }
        int[] frame = frame(base);
        List<byte[]> looks = new ArrayList<>(LOOKS);
        for (int look = 0; look < LOOKS; look++) {
            looks.add(SamplePhotos.jpeg(look(frame, jobId, look), QUALITY));
        }
        return looks;
    }

    /** Image {@code number} (1–60) of a job: its look with a comment naming the job and number. */
    static byte[] image(List<byte[]> looks, UUID jobId, int number) {
        byte[] jpeg = looks.get((number - 1) % looks.size());
        byte[] text = ("runflow-emulator headshot " + jobId + " #" + number).getBytes(StandardCharsets.US_ASCII);
        // The COM segment goes after SOI and the APP0 (JFIF) segment, where decoders expect metadata.
        int insertAt = 2;
        if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            insertAt = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + text.length + 4);
        out.write(jpeg, 0, insertAt);
        int length = text.length + 2;
        out.write(0xff);
        out.write(0xfe);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(text, 0, text.length);
        out.write(jpeg, insertAt, jpeg.length - insertAt);
        return out.toByteArray();
    }

    private static BufferedImage firstDecodable(List<byte[]> inputs) {
        for (byte[] input : inputs) {
            try {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(input));
                if (image != null) {
                    return image;
                }
            } catch (IOException | RuntimeException e) {
                // Not an image: the next input may be.
            }
        }
        return null;
    }

    /** The input cropped to 4:5 around the face's usual place and scaled once to the output size. */
    private static int[] frame(BufferedImage source) {
        BufferedImage canvas = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        double targetRatio = (double) WIDTH / HEIGHT;
        double cropW = Math.min(source.getWidth(), source.getHeight() * targetRatio);
        double cropH = cropW / targetRatio;
        int sx = (int) ((source.getWidth() - cropW) / 2);
        int sy = (int) ((source.getHeight() - cropH) / 3);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, WIDTH, HEIGHT, sx, sy, sx + (int) cropW, sy + (int) cropH, null);
        } finally {
            g.dispose();
        }
        // TYPE_INT_RGB keeps its pixels in one int array: reading it directly avoids per-pixel colour-model calls.
        return ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
    }

    /** One look: mirrored on odd looks, warmer or cooler, vignetted, with its own film grain. */
    private static BufferedImage look(int[] frame, UUID jobId, int look) {
        BufferedImage canvas = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        SplittableRandom grain = new SplittableRandom(jobId.getLeastSignificantBits() * 31 + look);
        boolean mirror = look % 2 == 1;
        int warm = (look - 1) * 6;
        for (int y = 0; y < HEIGHT; y++) {
            int row = y * WIDTH;
            for (int x = 0; x < WIDTH; x++) {
                int i = row + x;
                int p = frame[mirror ? row + WIDTH - 1 - x : i];
                float vignette = VIGNETTE[i];
                // Film grain: the fine noise that gives a studio photo (and a ~200 KB JPEG) its texture.
                int noise = grain.nextInt(21) - 10;
                int r = clamp((((p >> 16) & 0xff) + warm) * vignette + noise);
                int green = clamp(((p >> 8) & 0xff) * vignette + noise);
                int b = clamp(((p & 0xff) - warm) * vignette + noise);
                pixels[i] = (r << 16) | (green << 8) | b;
            }
        }
        return canvas;
    }

    private static float[] vignette() {
        float[] factors = new float[WIDTH * HEIGHT];
        double cx = WIDTH / 2.0;
        double cy = HEIGHT / 2.5;
        double maxSquared = cx * cx + (HEIGHT - cy) * (HEIGHT - cy);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double squared = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / maxSquared;
                factors[y * WIDTH + x] = (float) (1.0 - 0.35 * squared);
            }
        }
        return factors;
    }

    private static int clamp(float value) {
        return (int) Math.max(0f, Math.min(255f, value));
    }
}
