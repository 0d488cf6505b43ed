package io.cnnkit.compiler;

import java.util.ArrayList;
import java.util.List;

/**
 * One finding about the source, located at a file, line and column. {@code code} is a stable
 * kebab-case identifier (for example {@code unknown-operator}) that tests and tools can match.
 * {@code related} points at other places that explain it (where each input of a failed merge was
 * defined, say); {@code fixes} are edits that would repair it. The command line, its JSON output
 * and the language server all show these same records.
 */
public record Diagnostic(Severity severity, String code, SourceLocation location, String message,
                         List<Related> related, List<Fix> fixes) {

    /** Another place that explains the diagnostic, with what it shows there. */
    public record Related(SourceLocation location, String message) {
    }

    /**
     * An edit that repairs the diagnostic: replace the text at {@code range} (an empty range
     * inserts) with {@code replacement}. {@code title} says what it does ("replace with 'pad'").
     */
    public record Fix(String title, SourceLocation range, String replacement) {
    }

    public Diagnostic {
        related = List.copyOf(related);
        fixes = List.copyOf(fixes);
    }

    public Diagnostic(Severity severity, String code, SourceLocation location, String message) {
        this(severity, code, location, message, List.of(), List.of());
    }

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

    /** This diagnostic with one more related location. */
    public Diagnostic withRelated(SourceLocation at, String note) {
        List<Related> more = new ArrayList<>(related);
        more.add(new Related(at, note));
        return new Diagnostic(severity, code, location, message, more, fixes);
    }

    /** This diagnostic with one more fix. */
    public Diagnostic withFix(String title, SourceLocation range, String replacement) {
        List<Fix> more = new ArrayList<>(fixes);
        more.add(new Fix(title, range, replacement));
        return new Diagnostic(severity, code, location, message, related, more);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: error: message [code]}. */
    public String headline() {
        return location + ": " + severity.label() + ": " + escape(message, true) + " [" + code + "]";
    }

    /**
     * The headline, the source line with a caret under the offending span, then one "note:" per
     * related location (with its own line and caret) and one "help:" per fix.
     */
    public String render() {
        return DiagnosticRenderer.PLAIN.render(this);
    }

    /** A message as printed: control characters escaped, line breaks kept. */
    public static String messageText(String message) {
        return escape(message, true);
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
