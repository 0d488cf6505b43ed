package io.cnnkit.compiler;

/**
 * One finding about the source, located at a file, line and column. {@code code} is a stable
 * kebab-case identifier (for example {@code unknown-operator}) that tests and tools can match.
 */
public record Diagnostic(Severity severity, String code, SourceLocation location, String message) {

    public static Diagnostic error(String code, SourceLocation location, String message) {
        return new Diagnostic(Severity.ERROR, code, location, message);
    }

    public static Diagnostic warning(String code, SourceLocation location, String message) {
        return new Diagnostic(Severity.WARNING, code, location, message);
    }

    public static Diagnostic error(DiagnosticCode code, SourceLocation location, String message) {
        return error(code.id(), location, message);
    }

    public static Diagnostic warning(DiagnosticCode code, SourceLocation location, String message) {
        return warning(code.id(), location, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: error: message [code]}. */
    public String headline() {
        return location + ": " + severity.label() + ": " + escape(message, true) + " [" + code + "]";
    }

    /** The headline, then the source line and a caret under the offending span. */
    public String render() {
        String source = location.file().line(location.line());
        if (location.line() < 1 || source.isEmpty()) {
            return headline();
        }
        int column = Math.max(1, location.column());
        int width = Math.max(1, Math.min(location.length(), source.length() - column + 1));
        // control characters (CR, VT, ESC ...) are shown escaped; the caret follows the escapes
        StringBuilder line = new StringBuilder();
        StringBuilder caret = new StringBuilder();
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            String shown = c == '\t' ? "\t" : printable(String.valueOf(c));
            if (i < column - 1) {
                caret.append(c == '\t' ? "\t" : " ".repeat(shown.length()));
            } else if (i < column - 1 + width) {
                caret.append(i == column - 1 ? "^" : "~").append("~".repeat(shown.length() - 1));
            }
            line.append(shown);
        }
        if (caret.indexOf("^") < 0) {
            caret.append('^');
        }
        return headline() + "\n  " + line + "\n  " + caret;
    }

    /** {@code text} with control and invisible format characters written as escapes ({@code \\r}, {@code \\u000b}). */
    public static String printable(String text) {
        return escape(text, false);
    }

    private static String escape(String text, boolean keepNewlines) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append(keepNewlines ? "\n" : "\\n");
            } else if (type == Character.CONTROL || type == Character.FORMAT || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
