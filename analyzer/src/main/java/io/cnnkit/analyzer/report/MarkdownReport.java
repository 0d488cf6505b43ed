package io.cnnkit.analyzer.report;

import io.cnnkit.analyzer.Analysis;

/** The text report's content as Markdown: the convention, the layer table and the totals. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(Analysis analysis, int depth) {
        return "## " + analysis.graph().name() + " (batch " + analysis.batch() + ")\n\n"
                + Units.CONVENTION + "\n\n"
                + TextReport.layerTable(analysis, depth, "&nbsp;&nbsp;").renderMarkdown() + "\n"
                + TextReport.totalsTable(analysis).renderMarkdown()
                + (analysis.hasAuxiliaryLayers() ? "\n\\* feeds only auxiliary (training) outputs.\n" : "");
    }
}
