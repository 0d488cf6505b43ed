package io.cnnkit.diagram;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The one font that both lays out and draws diagram text: DejaVu Sans (Debian's
 * {@code fonts-dejavu-core}), read from its file so that no font configuration can substitute
 * another face. Node sizes come from this font's advances with fractional metrics, the PNG is drawn
 * with the same {@link Font} object, and SVG text names the same family (with Verdana, of nearly the
 * same widths, as the browser's fallback). Where the file is missing, Java's logical sans-serif font
 * plays both parts, so the PNG still fits its text.
 */
final class DiagramFont {

    /** The CSS font list written into SVG text. */
    static final String CSS_FAMILY = "'DejaVu Sans', Verdana, sans-serif";
    /** Measurements are made as the rasteriser draws: antialiased, fractional advances. */
    static final FontRenderContext CONTEXT = new FontRenderContext(null, true, true);

    private static final List<String> DIRECTORIES = List.of("/usr/share/fonts/truetype/dejavu",
            "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu", "/usr/local/share/fonts", "/Library/Fonts");
    private static final Font REGULAR = load("DejaVuSans.ttf").orElseGet(() -> new Font(Font.SANS_SERIF, Font.PLAIN, 1));
    private static final Font BOLD = load("DejaVuSans-Bold.ttf").orElseGet(() -> REGULAR.deriveFont(Font.BOLD));

    private DiagramFont() {
    }

    /** True when DejaVu Sans was found; otherwise text is measured and drawn in the JDK's sans-serif. */
    static boolean isDejaVu() {
        return REGULAR.getFamily().startsWith("DejaVu");
    }

    static Font font(double size, boolean bold) {
        return (bold ? BOLD : REGULAR).deriveFont((float) size);
    }

    static double width(String text, double size, boolean bold) {
        return font(size, bold).getStringBounds(text, CONTEXT).getWidth();
    }

    /** Distance from a line's top to its baseline. */
    static double ascent(double size) {
        return font(size, false).getLineMetrics("Xg", CONTEXT).getAscent();
    }

    /** The distance between the baselines of two lines. */
    static double lineHeight(double size) {
        return size * 1.2;
    }

    private static Optional<Font> load(String file) {
        for (String dir : DIRECTORIES) {
            Path path = Path.of(dir, file);
            if (Files.isRegularFile(path)) {
                try {
                    return Optional.of(Font.createFont(Font.TRUETYPE_FONT, path.toFile()));
                } catch (FontFormatException | IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
