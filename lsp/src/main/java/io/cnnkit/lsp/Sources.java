package io.cnnkit.lsp;

import io.cnnkit.compiler.SourceLocation;

/** Text written at a location (one line at most, as the compiler's spans are). */
final class Sources {
    private Sources() {
    }

    static String text(SourceLocation at) {
        String line = at.file().line(at.line());
        int start = Math.min(line.length(), Math.max(0, at.column() - 1));
        return line.substring(start, Math.min(line.length(), start + at.length()));
    }
}
