package io.cnnkit.compiler;

/**
 * Prints a {@link Diagnostic} for a person: the headline, the source line with a caret under the
 * span, a "note:" with its own line and caret per related location, and a "help:" per fix. With
 * colour (for a terminal), severity labels, carets and notes get ANSI colours as rustc does.
 */
public final class DiagnosticRenderer {
    public static final DiagnosticRenderer PLAIN = new DiagnosticRenderer(false);
    public static final DiagnosticRenderer COLOUR = new DiagnosticRenderer(true);

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[1;31m";
    private static final String YELLOW = "\u001b[1;33m";
    private static final String CYAN = "\u001b[1;36m";
    private static final String GREEN = "\u001b[1;32m";

    private final boolean colour;

    private DiagnosticRenderer(boolean colour) {
        this.colour = colour;
    }

    /** Colour when {@code terminal} and the {@code NO_COLOR} convention (no-color.org) does not forbid it. */
    public static DiagnosticRenderer forTerminal(boolean terminal) {
        String noColor = System.getenv("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) ? COLOUR : PLAIN;
    }

    public String render(Diagnostic d) {
        String accent = d.isError() ? RED : YELLOW;
        StringBuilder out = new StringBuilder();
        out.append(paint(BOLD, d.location().toString() + ":")).append(' ')
                .append(paint(accent, d.severity().label() + ":")).append(' ')
                .append(paint(BOLD, Diagnostic.messageText(d.message()))).append(" [").append(d.code()).append(']');
        quote(out, d.location(), accent);
        for (Diagnostic.Related related : d.related()) {
            out.append('\n').append(related.location()).append(": ").append(paint(CYAN, "note:")).append(' ')
                    .append(Diagnostic.messageText(related.message()));
            quote(out, related.location(), CYAN);
        }
        for (Diagnostic.Fix fix : d.fixes()) {
            out.append("\n  ").append(paint(GREEN, "help:")).append(' ').append(fix.title());
        }
        return out.toString();
    }

    /** The source line and a caret line under the span, when the location has a line to show. */
    private void quote(StringBuilder out, SourceLocation location, String accent) {
        String source = location.file().line(location.line());
        if (location.line() < 1 || source.isEmpty()) {
            return;
        }
        int column = Math.max(1, location.column());
        int width = Math.max(1, Math.min(location.length(), source.length() - column + 1));
        // control characters (CR, VT, ESC ...) are shown escaped; the caret follows the escapes
        StringBuilder line = new StringBuilder();
        StringBuilder caret = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            String shown = c == '\t' ? "\t" : Diagnostic.printable(String.valueOf(c));
            if (i < column - 1) {
                caret.append(c == '\t' ? "\t" : " ".repeat(shown.length()));
            } else if (i < column - 1 + width) {
                marks.append(i == column - 1 ? "^" : "~").append("~".repeat(shown.length() - 1));
            }
            line.append(shown);
        }
        if (marks.length() == 0) {
            marks.append('^');
        }
        out.append("\n  ").append(line).append("\n  ").append(caret).append(paint(accent, marks.toString()));
    }

    private String paint(String style, String text) {
        return colour ? style + text + RESET : text;
    }
}
