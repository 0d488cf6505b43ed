package io.cnnkit.lsp;

import io.cnnkit.compiler.SourceLocation;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/** Between the compiler's 1-based lines and columns and LSP's 0-based positions, and paths and URIs. */
final class Positions {
    private Positions() {
    }

    static Range range(SourceLocation at) {
        int line = Math.max(0, at.line() - 1);
        int column = Math.max(0, at.column() - 1);
        return new Range(new Position(line, column), new Position(line, column + at.length()));
    }

    static Location location(SourceLocation at) {
        return new Location(uri(Path.of(at.path())), range(at));
    }

    static String uri(Path path) {
        return path.toAbsolutePath().normalize().toUri().toString();
    }

    /** The file of a {@code file:} URI; another scheme (an unsaved buffer) as a name in the working folder. */
    static Path path(String uri) {
        URI parsed = URI.create(uri);
        if ("file".equals(parsed.getScheme())) {
            return Path.of(parsed).toAbsolutePath().normalize();
        }
        String name = parsed.getSchemeSpecificPart().replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(name.endsWith(".cnn") ? name : name + ".cnn").toAbsolutePath().normalize();
    }

    /** The character offset of an LSP position in {@code text}, clamped to the text. */
    static int offset(String text, Position position) {
        int line = 0;
        int i = 0;
        while (line < position.getLine() && i < text.length()) {
            if (text.charAt(i++) == '\n') {
                line++;
            }
        }
        int end = i;
        while (end < text.length() && text.charAt(end) != '\n') {
            end++;
        }
        return Math.min(end, i + position.getCharacter());
    }

    static Position position(String text, int offset) {
        int line = 0;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Position(line, offset - lineStart);
    }
}
