package io.cnnkit.compiler;

/** A 1-based line and column in a source file; {@code length} is the width of the caret span. */
public record SourceLocation(SourceFile file, int line, int column, int length) {

    public SourceLocation {
        length = Math.max(1, length);
    }

    /** For things that come from no file (built programmatically). */
    public static final SourceLocation NONE = new SourceLocation(new SourceFile("<none>", ""), 0, 0, 1);

    public String path() {
        return file.path();
    }

    @Override
    public String toString() {
        return file.path() + ":" + line + ":" + column;
    }
}
