package io.runflowkafka.emulator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws synthetic, deterministic portrait photos (a face, hair strands, a textured background) and
 * their classic defects, so the sandbox, the demo and the tests have photos without shipping any.
 */
final class SamplePhotos {

    private SamplePhotos() {}

    /** A sharp, well-lit portrait of the given size; the same seed draws the same photo. */
    static BufferedImage portrait(long seed, int width, int height) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float hue = random.nextInt(360) / 360f;
            g.setPaint(new GradientPaint(
                    0, 0, Color.getHSBColor(hue, 0.25f, 0.85f), 0, height, Color.getHSBColor(hue, 0.35f, 0.55f)));
            g.fillRect(0, 0, width, height);
            // A busy background (a bookshelf, say) gives the photo the fine detail real ones have.
            for (int i = 0; i < 900; i++) {
                g.setColor(Color.getHSBColor(random.nextInt(360) / 360f, 0.4f, 0.35f + random.nextInt(50) / 100f));
                int w = width / 60 + random.nextInt(width / 40 + 1);
                int h = height / 12 + random.nextInt(height / 20 + 1);
                g.fillRect(
                        random.nextInt(width),
                        random.nextInt(height / 2) + (random.nextBoolean() ? 0 : height / 2),
                        w,
                        h);
            }
            double cx = width / 2.0;
            double faceW = width * 0.36;
            double faceH = height * 0.38;
            double faceTop = height * 0.2;
            g.setColor(new Color(40, 50, 80));
            g.fill(new Ellipse2D.Double(cx - width * 0.42, height * 0.68, width * 0.84, height * 0.6));
            Color skin = new Color(222, 178, 150);
            g.setColor(skin.darker());
            g.fillRect((int) (cx - faceW * 0.2), (int) (faceTop + faceH * 0.8), (int) (faceW * 0.4), (int)
                    (height * 0.12));
            g.setPaint(new RadialGradientPaint(
                    (float) (cx - faceW * 0.1),
                    (float) (faceTop + faceH * 0.4),
                    (float) faceW,
                    new float[] {0f, 1f},
                    new Color[] {skin.brighter(), skin.darker()}));
            g.fill(new Ellipse2D.Double(cx - faceW / 2, faceTop, faceW, faceH));
            g.setColor(new Color(50, 32, 20));
            g.fill(new Ellipse2D.Double(cx - faceW * 0.55, faceTop - faceH * 0.12, faceW * 1.1, faceH * 0.45));
            g.setStroke(new BasicStroke(Math.max(1f, width / 600f)));
            for (int i = 0; i < 2500; i++) {
                double x = cx - faceW * 0.55 + random.nextDouble() * faceW * 1.1;
                double y = faceTop - faceH * 0.12 + random.nextDouble() * faceH * 0.3;
                g.setColor(random.nextBoolean() ? new Color(90, 62, 40) : new Color(25, 15, 10));
                g.draw(new Line2D.Double(x, y, x + random.nextDouble() * 14 - 7, y + 6 + random.nextDouble() * 24));
            }
            // The features a face detector keys on: brows and eye sockets darker than the cheeks and
            // the bridge of the nose, a shadowed nose tip and a dark mouth.
            Color socket = new Color(168, 120, 98);
            for (int side = -1; side <= 1; side += 2) {
                double ex = cx + side * faceW * 0.2;
                double ey = faceTop + faceH * 0.45;
                g.setColor(socket);
                g.fill(new Ellipse2D.Double(ex - faceW * 0.14, ey - faceH * 0.06, faceW * 0.28, faceH * 0.12));
                g.setColor(new Color(55, 35, 22));
                g.fill(new Ellipse2D.Double(ex - faceW * 0.14, ey - faceH * 0.115, faceW * 0.28, faceH * 0.04));
                g.setColor(new Color(235, 230, 225));
                g.fill(new Ellipse2D.Double(ex - faceW * 0.08, ey - faceH * 0.025, faceW * 0.16, faceH * 0.05));
                g.setColor(new Color(70, 50, 35));
                g.fill(new Ellipse2D.Double(ex - faceW * 0.04, ey - faceH * 0.028, faceW * 0.08, faceH * 0.056));
                g.setColor(Color.BLACK);
                g.fill(new Ellipse2D.Double(ex - faceW * 0.015, ey - faceH * 0.012, faceW * 0.03, faceH * 0.024));
                g.setColor(new Color(150, 100, 80));
                g.fill(new Ellipse2D.Double(
                        cx + side * faceW * 0.07 - faceW * 0.035, faceTop + faceH * 0.64, faceW * 0.07, faceH * 0.035));
            }
            g.setColor(new Color(190, 140, 115));
            g.fill(new Ellipse2D.Double(cx - faceW * 0.09, faceTop + faceH * 0.6, faceW * 0.18, faceH * 0.06));
            g.setColor(new Color(120, 50, 50));
            g.fill(new Ellipse2D.Double(cx - faceW * 0.16, faceTop + faceH * 0.74, faceW * 0.32, faceH * 0.07));
            g.setColor(new Color(70, 25, 25));
            g.setStroke(new BasicStroke(Math.max(2f, width / 200f)));
            g.draw(new Line2D.Double(
                    cx - faceW * 0.15, faceTop + faceH * 0.775, cx + faceW * 0.15, faceTop + faceH * 0.775));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Scales every channel by {@code factor} (below 1 darkens). */
    static BufferedImage exposure(BufferedImage source, double factor, int offset) {
        BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        int[] row = new int[source.getWidth()];
        for (int y = 0; y < source.getHeight(); y++) {
            source.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int x = 0; x < row.length; x++) {
                int rgb = row[x];
                row[x] = (clamp(((rgb >> 16) & 0xff) * factor + offset) << 16)
                        | (clamp(((rgb >> 8) & 0xff) * factor + offset) << 8)
                        | clamp((rgb & 0xff) * factor + offset);
            }
            out.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
        return out;
    }

    /** Box blur of the given radius (two separable passes). */
    static BufferedImage blur(BufferedImage source, int radius) {
        int w = source.getWidth();
        int h = source.getHeight();
        int[] pixels = source.getRGB(0, 0, w, h, null, 0, w);
        int[] tmp = new int[pixels.length];
        boxPass(pixels, tmp, w, h, radius, true);
        boxPass(tmp, pixels, w, h, radius, false);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, pixels, 0, w);
        return out;
    }

    private static void boxPass(int[] src, int[] dst, int w, int h, int r, boolean horizontal) {
        int outer = horizontal ? h : w;
        int inner = horizontal ? w : h;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int red = 0;
                int green = 0;
                int blue = 0;
                int n = 0;
                for (int k = Math.max(0, i - r); k <= Math.min(inner - 1, i + r); k++) {
                    int p = horizontal ? src[o * w + k] : src[k * w + o];
                    red += (p >> 16) & 0xff;
                    green += (p >> 8) & 0xff;
                    blue += p & 0xff;
                    n++;
                }
                dst[horizontal ? o * w + i : i * w + o] = ((red / n) << 16) | ((green / n) << 8) | (blue / n);
            }
        }
    }

    /** Resizes with bilinear interpolation. */
    static BufferedImage resize(BufferedImage source, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Encodes as JPEG at the given quality (0–1). */
    static byte[] jpeg(BufferedImage image, float quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Encodes in a format ImageIO writes ({@code png}, {@code bmp}, ...). */
    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }
}
