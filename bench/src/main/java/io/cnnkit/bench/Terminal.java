package io.cnnkit.bench;

import java.io.PrintWriter;

/** Keeps {@code cnn bench}'s output within a 100-column terminal. */
final class Terminal {
    static final int COLUMNS = 100;
    /** Continuation lines of a wrapped sentence are indented by this, so they read as one item. */
    private static final String INDENT = "    ";

    private Terminal() {
    }

    /** {@code text} cut to {@code width} characters, a {@code ~} marking the cut. */
    static String clip(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }

    /** Prints {@code text} broken at spaces into lines of at most {@link #COLUMNS}, later ones indented. */
    static void println(PrintWriter out, String text) {
        String rest = text;
        String indent = "";
        while (indent.length() + rest.length() > COLUMNS) {
            int room = COLUMNS - indent.length();
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= 0) { // one word longer than a line: cut it rather than overflow
                out.println(indent + clip(rest, room));
                return;
            }
            out.println(indent + rest.substring(0, cut));
            rest = rest.substring(cut + 1);
            indent = INDENT;
        }
        out.println(indent + rest);
    }
}
