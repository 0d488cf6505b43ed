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
        return location + ": " + severity.label() + ": " + message + " [" + code + "]";
    }

    /** The headline, then the source line and a caret under the offending span. */
    public String render() {
        String source = location.file().line(location.line());
        if (location.line() < 1 || source.isEmpty()) {
            return headline();
        }
        StringBuilder caret = new StringBuilder();
        int column = Math.max(1, location.column());
        for (int i = 0; i < column - 1 && i < source.length(); i++) {
            caret.append(source.charAt(i) == '\t' ? '\t' : ' ');
        }
        int width = Math.max(1, Math.min(location.length(), source.length() - column + 1));
        caret.append('^').append("~".repeat(width - 1));
        return headline() + "\n  " + source + "\n  " + caret;
    }
}
