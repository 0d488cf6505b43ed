package io.cnnkit.diagram;

import guru.nidi.graphviz.engine.Format;
import guru.nidi.graphviz.engine.Graphviz;
import guru.nidi.graphviz.engine.GraphvizCmdLineEngine;
import guru.nidi.graphviz.engine.GraphvizException;
import guru.nidi.graphviz.engine.GraphvizV8Engine;
import com.kitfox.svg.SVGDiagram;
import com.kitfox.svg.SVGException;
import com.kitfox.svg.SVGUniverse;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.net.URI;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Lays out DOT with graphviz-java. The engine is Graphviz compiled to JavaScript (viz.js) running
 * in V8 through J2V8, whose native library ships inside graphviz-java's Maven dependencies, so no
 * system Graphviz is needed; a system {@code dot} is the fallback where J2V8 has no build (not
 * Linux x86-64). PNG is the SVG rasterised by SVG Salamander, headless.
 */
public final class GraphvizRenderer {

    /** PNG pixels are SVG points times this, unless the image would exceed the bounds below. */
    static final double PNG_SCALE = 2.0;
    static final long MAX_PNG_PIXELS = 60_000_000L;
    static final int MAX_PNG_SIDE = 30_000;
    /** viz.js's heap (emscripten TOTAL_MEMORY, a multiple of 16 MiB): its 16 MiB default is too small for deep networks. */
    private static final int HEAP_BYTES = 256 << 20;
    /**
     * The largest DOT text handed to the engine: J2V8 compiles it as one script, and a text of
     * hundreds of megabytes (modules nested thousands deep) crashes the process natively.
     */
    static final int MAX_DOT_CHARS = 16_000_000;
    private static final Pattern FONT_FAMILY = Pattern.compile("font-family=\"[^\"]*\"");
    private static final Pattern SVG_SIZE = Pattern.compile("<svg width=\"([0-9.]+)p[tx]\" height=\"([0-9.]+)p[tx]\"");

    private static boolean initialised;

    private GraphvizRenderer() {
    }

    /** The SVG document for the DOT text. */
    public static String svg(String dot) {
        if (dot.length() > MAX_DOT_CHARS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the diagram's DOT text has %,d characters,"
                    + " more than the %,d the layout engine is given; draw fewer levels (--depth) or write .dot",
                    dot.length(), MAX_DOT_CHARS));
        }
        try {
            return graphviz(dot).render(Format.SVG).toString();
        } catch (GraphvizException e) {
            if (String.valueOf(e.getMessage()).startsWith("None of the provided engines")) {
                throw new IllegalStateException("no Graphviz engine could start: the bundled V8 engine (J2V8) runs"
                        + " on Linux x86-64 only, and no system Graphviz 'dot' was found; write .dot instead", e);
            }
            throw new IllegalStateException("Graphviz failed: " + e.getMessage(), e);
        }
    }

    /** A PNG image of the DOT text, at {@link #PNG_SCALE} pixels per point or less for huge graphs. */
    public static byte[] png(String dot) {
        String svg = svg(dot);
        double scale = pngScale(svg);
        BufferedImage image = rasterize(svg, scale);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Draws the SVG with SVG Salamander. Salamander takes a font family list as one name, so every
     * text is set in Java's logical sans-serif font, which fontconfig maps to an installed face; and
     * it reads the colour {@code transparent} as a URL, so that becomes {@code none}.
     */
    static BufferedImage rasterize(String svg, double scale) {
        SVGUniverse universe = new SVGUniverse();
        URI uri = universe.loadSVG(new StringReader(FONT_FAMILY.matcher(svg).replaceAll("font-family=\"SansSerif\"")
                .replace("=\"transparent\"", "=\"none\"")), "diagram");
        SVGDiagram diagram = universe.getDiagram(uri);
        int width = (int) Math.ceil(diagram.getWidth() * scale);
        int height = (int) Math.ceil(diagram.getHeight() * scale);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.scale(scale, scale);
            diagram.setIgnoringClipHeuristic(true);
            diagram.render(g);
        } catch (SVGException e) {
            throw new IllegalStateException("could not rasterise the diagram: " + e.getMessage(), e);
        } finally {
            g.dispose();
        }
        return image;
    }

    static double pngScale(String svg) {
        Matcher m = SVG_SIZE.matcher(svg);
        if (!m.find()) {
            return 1;
        }
        double w = Double.parseDouble(m.group(1));
        double h = Double.parseDouble(m.group(2));
        double scale = Math.min(PNG_SCALE, Math.sqrt(MAX_PNG_PIXELS / Math.max(1, w * h)));
        return Math.min(scale, MAX_PNG_SIDE / Math.max(1, Math.max(w, h)));
    }

    private static synchronized Graphviz graphviz(String dot) {
        if (!initialised) {
            System.setProperty("java.awt.headless", "true");
            Graphviz.useEngine(new GraphvizV8Engine(extractionDirectory()), new GraphvizCmdLineEngine());
            initialised = true;
        }
        return Graphviz.fromString(dot).totalMemory(HEAP_BYTES);
    }

    /**
     * Where J2V8 unpacks its native library: a private directory of this process, removed at exit.
     * J2V8 deletes and rewrites the library file in the directory it is given, so a directory
     * shared by two processes could hand one of them a half-written library.
     */
    private static String extractionDirectory() {
        try {
            Path dir = Files.createTempDirectory("cnnkit-j2v8-");
            dir.toFile().deleteOnExit();
            // registered after the directory, so deleted before it
            dir.resolve("libj2v8_linux_x86_64.so").toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the diagram engine", e);
        }
    }
}
