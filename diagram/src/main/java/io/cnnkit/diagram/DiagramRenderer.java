package io.cnnkit.diagram;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Draws a {@link DiagramModel} as SVG or PNG: laid out in this JVM by {@link DiagramLayout} (ELK),
 * then written by {@link SvgDrawing} or painted by {@link PngDrawing}. Nothing outside the JVM is
 * started and nothing is installed on the system.
 */
public final class DiagramRenderer {

    /** PNG pixels per drawing unit unless a scale is given: sharp on high-density screens. */
    public static final double DEFAULT_PNG_SCALE = 2.0;
    static final long MAX_PNG_PIXELS = 100_000_000L;
    static final int MAX_PNG_SIDE = 32_000;

    private DiagramRenderer() {
    }

    /** A diagram laid out, with its size, before it is written in a format. */
    public record Laid(DiagramModel model, Drawing drawing) {
        public double width() {
            return drawing.width();
        }

        public double height() {
            return drawing.height();
        }

        public String svg() {
            return SvgDrawing.write(drawing, model.title());
        }

        /** PNG at {@code scale} pixels per unit; refuses an image past the pixel bounds rather than shrinking it. */
        public byte[] png(double scale) {
            double pixels = Math.ceil(drawing.width() * scale) * Math.ceil(drawing.height() * scale);
            if (pixels > MAX_PNG_PIXELS || Math.max(drawing.width(), drawing.height()) * scale > MAX_PNG_SIDE) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "a %.0f x %.0f PNG at scale %s is past the %d-megapixel or %d-pixel bound;"
                                + " use a smaller --scale, a smaller --depth, or .svg",
                        drawing.width() * scale, drawing.height() * scale, scale, MAX_PNG_PIXELS / 1_000_000, MAX_PNG_SIDE));
            }
            System.setProperty("java.awt.headless", "true");
            BufferedImage image = PngDrawing.paint(drawing, scale);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    public static Laid layout(DiagramModel model, DiagramOptions options) {
        System.setProperty("java.awt.headless", "true");
        return new Laid(model, DiagramLayout.layout(model, options));
    }

    public static String svg(DiagramModel model, DiagramOptions options) {
        return layout(model, options).svg();
    }

    public static byte[] png(DiagramModel model, DiagramOptions options, double scale) {
        return layout(model, options).png(scale);
    }
}
