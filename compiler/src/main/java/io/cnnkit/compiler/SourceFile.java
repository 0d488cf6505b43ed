package io.cnnkit.compiler;

import java.util.Objects;

/** The text of one `.cnn` file, kept so that diagnostics can quote the offending line. */
public final class SourceFile {
    private final String path;
    private final String text;
    private int[] lineStarts;

    public SourceFile(String path, String text) {
        this.path = Objects.requireNonNull(path);
        this.text = Objects.requireNonNull(text);
    }

    public String path() {
        return path;
    }

    public String text() {
        return text;
    }

    /** The 1-based line without its terminator, or "" past the end. */
    public String line(int line) {
        int[] starts = lineStarts();
        if (line < 1 || line > starts.length) {
            return "";
        }
        int start = starts[line - 1];
        int end = line < starts.length ? starts[line] : text.length();
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(start, end);
    }

    private int[] lineStarts() {
        if (lineStarts == null) {
            int count = 1;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    count++;
                }
            }
            int[] starts = new int[count];
            int next = 1;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    starts[next++] = i + 1;
                }
            }
            lineStarts = starts;
        }
        return lineStarts;
    }

    @Override
    public String toString() {
        return path;
    }
}
