package io.runflowkafka.processor.it;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Portrait-like test photos written as JPEG files: a sharp, well-lit one and a too-dark one. */
public final class SamplePhotos {

    private SamplePhotos() {}

    /** Writes a sharp, well-lit 640×800 photo (a face-like shape on a textured background). */
    public static Path good(Path dir, String name, long seed) {
        return write(dir, name, render(seed, 1.0));
    }

    /** Writes the same kind of photo, far too dark. */
    public static Path dark(Path dir, String name, long seed) {
        return write(dir, name, render(seed, 0.12));
    }

    /** Writes a file that is not an image at all. */
    public static Path notAnImage(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), "this is not a photo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage render(long seed, double light) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(640, 800, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        for (int y = 0; y < 800; y += 8) {
            for (int x = 0; x < 640; x += 8) {
                int v = 90 + random.nextInt(120);
                g.setColor(shade(new Color(v, v - 20 < 0 ? 0 : v - 20, v - 40 < 0 ? 0 : v - 40), light));
                g.fillRect(x, y, 8, 8);
            }
        }
        g.setColor(shade(new Color(224, 180, 150), light));
        g.fillOval(200, 180, 240, 320);
        g.setColor(shade(new Color(40, 30, 30), light));
        g.fillOval(260, 290, 30, 18);
        g.fillOval(350, 290, 30, 18);
        g.fillRect(290, 420, 60, 10);
        g.dispose();
        return image;
    }

    private static Color shade(Color color, double light) {
        return new Color(
                clamp(color.getRed() * light), clamp(color.getGreen() * light), clamp(color.getBlue() * light));
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    private static Path write(Path dir, String name, BufferedImage image) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            ImageIO.write(image, "jpg", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
