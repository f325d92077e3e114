package io.runflowkafka.emulator;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** The real photos in {@code src/test/resources/portraits/} and the variants the tests make of them. */
final class Portraits {

    private Portraits() {}

    /** The encoded bytes of a photo, as checked in. */
    static byte[] bytes(String photo) {
        try (InputStream in = Portraits.class.getResourceAsStream("/portraits/" + photo)) {
            if (in == null) {
                throw new IllegalArgumentException("no test photo " + photo);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage image(String photo) {
        if (photo.equals("two-people")) {
            return twoPeople();
        }
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes(photo)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The photo as the emulator receives it: the checked-in bytes for an original (the composite as a
     * JPEG), every other variant as a JPEG of quality 0.92.
     */
    static byte[] variant(String photo, String variant) {
        if (variant.equals("original") && !photo.equals("two-people")) {
            return bytes(photo);
        }
        BufferedImage image = image(photo);
        BufferedImage out = switch (variant) {
            case "original" -> image;
            case "dark", "dim-bar" -> SamplePhotos.exposure(image, 0.45, 0);
            case "washed-out" -> SamplePhotos.exposure(image, 0.4, 140);
            case "dim-bar-washed-out" -> SamplePhotos.exposure(SamplePhotos.exposure(image, 0.45, 0), 0.5, 140);
            case "bright" -> SamplePhotos.exposure(image, 1.6, 30);
            case "blurred" -> SamplePhotos.blur(image, 3);
            case "canvas-800x600" -> onCanvas(image, 800, 600);
            default -> {
                if (!variant.startsWith("width-")) {
                    throw new IllegalArgumentException("unknown variant " + variant);
                }
                int width = Integer.parseInt(variant.substring("width-".length()));
                yield SamplePhotos.resize(
                        image, width, Math.round((float) image.getHeight() * width / image.getWidth()));
            }
        };
        return SamplePhotos.jpeg(out, 0.92f);
    }

    /** Grace Hopper and Eileen Collins side by side, 600 px high. */
    static BufferedImage twoPeople() {
        BufferedImage left = image("grace_hopper.jpg");
        BufferedImage right = image("astronaut.png");
        int rightWidth = right.getWidth() * 600 / right.getHeight();
        BufferedImage two = new BufferedImage(
                left.getWidth() * 600 / left.getHeight() + rightWidth, 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = two.createGraphics();
        try {
            int leftWidth = left.getWidth() * 600 / left.getHeight();
            g.drawImage(left, 0, 0, leftWidth, 600, null);
            g.drawImage(right, leftWidth, 0, rightWidth, 600, null);
        } finally {
            g.dispose();
        }
        return two;
    }

    private static BufferedImage onCanvas(BufferedImage image, int width, int height) {
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(128, 128, 128));
            g.fillRect(0, 0, width, height);
            double scale =
                    Math.min(1.0, Math.min((double) width / image.getWidth(), (double) height / image.getHeight()));
            int w = (int) Math.round(image.getWidth() * scale);
            int h = (int) Math.round(image.getHeight() * scale);
            g.drawImage(image, (width - w) / 2, (height - h) / 2, w, h, null);
        } finally {
            g.dispose();
        }
        return canvas;
    }
}
