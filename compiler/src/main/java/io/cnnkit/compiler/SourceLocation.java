package io.cnnkit.compiler;

/**
 * A 1-based line and column in a source file; {@code length} is the width of the span on that
 * line (at least 1 for what a diagnostic points at; 0 for the point where a fix inserts text).
 */
public record SourceLocation(SourceFile file, int line, int column, int length) {

    public SourceLocation {
        length = Math.max(0, length);
    }

    /** For things that come from no file (built programmatically). */
    public static final SourceLocation NONE = new SourceLocation(new SourceFile("<none>", ""), 0, 0, 1);

    /** An empty span just before this one's start: where a fix inserts text. */
    public SourceLocation start() {
        return new SourceLocation(file, line, column, 0);
    }

    /** The column just after the span (exclusive end), on {@link #line()}. */
    public int endColumn() {
        return column + length;
    }

    public String path() {
        return file.path();
    }

    @Override
    public String toString() {
        return file.path() + ":" + line + ":" + column;
    }
}
