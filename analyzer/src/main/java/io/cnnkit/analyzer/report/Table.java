package io.cnnkit.analyzer.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A table of strings rendered as aligned plain text or as a Markdown pipe table. */
final class Table {
    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<Integer> rulesBefore = new ArrayList<>();

    /** {@code columns}: header names; a leading {@code >} right-aligns the column (and is dropped). */
    Table(String... columns) {
        this.headers = new ArrayList<>();
        this.rightAligned = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            rightAligned[i] = columns[i].startsWith(">");
            headers.add(rightAligned[i] ? columns[i].substring(1) : columns[i]);
        }
    }

    Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + Arrays.toString(cells));
        }
        rows.add(List.of(cells));
        return this;
    }

    /** A horizontal rule before the next row (plain text only). */
    Table rule() {
        rulesBefore.add(rows.size());
        return this;
    }

    String renderText() {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = headers.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        int total = Arrays.stream(width).sum() + 2 * (width.length - 1);
        String line = "=".repeat(total) + "\n";
        String thin = "-".repeat(total) + "\n";
        StringBuilder out = new StringBuilder(line);
        out.append(textRow(headers, width)).append(line);
        for (int r = 0; r < rows.size(); r++) {
            if (rulesBefore.contains(r)) {
                out.append(thin);
            }
            out.append(textRow(rows.get(r), width));
        }
        return out.append(line).toString();
    }

    private String textRow(List<String> cells, int[] width) {
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            out.append(c == 0 ? "" : "  ").append(rightAligned[c] ? pad + cell : cell + pad);
        }
        return out.toString().stripTrailing() + "\n";
    }

    String renderMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append(markdownRow(headers));
        StringBuilder sep = new StringBuilder("|");
        for (boolean right : rightAligned) {
            sep.append(right ? " ---: |" : " --- |");
        }
        out.append(sep).append('\n');
        for (List<String> row : rows) {
            out.append(markdownRow(row));
        }
        return out.toString();
    }

    private static String markdownRow(List<String> cells) {
        StringBuilder out = new StringBuilder("|");
        for (String cell : cells) {
            out.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        return out.append('\n').toString();
    }
}
