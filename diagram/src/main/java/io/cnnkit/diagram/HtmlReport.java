package io.cnnkit.diagram;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.analyzer.Totals;
import io.cnnkit.analyzer.report.ReportRow;
import io.cnnkit.analyzer.report.Units;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One self-contained HTML page per network: the counting convention, totals, the receptive-field
 * chart, the diagram as inline SVG and the per-layer table, with the page's CSS and script inline,
 * so that it opens without a network. Diagram nodes ({@code n-NAME}) and table rows
 * ({@code r-NAME}) share the layer name, which the script uses to select one from the other.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    /** The page; {@code svg} is the diagram of {@code analysis} drawn with every layer. */
    public static String render(Analysis analysis, String svg) {
        String name = analysis.graph().name();
        StringBuilder out = new StringBuilder(svg.length() + 64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(name)).append(" \u2014 cnnkit report</title>\n<style>\n")
                .append(resource("report.css")).append("</style>\n</head>\n<body>\n");
        out.append("<header><h1>").append(escape(name)).append("</h1><p class=\"subtitle\">cnnkit report \u00b7 batch ")
                .append(analysis.batch()).append(" \u00b7 ").append(Units.count(analysis.layers().size()))
                .append(" layers \u00b7 ").append(Units.countWithUnit(analysis.inferenceTotals().parameters()))
                .append(" parameters \u00b7 ").append(Units.countWithUnit(analysis.inferenceTotals().macs()))
                .append(" MACs</p></header>\n");
        out.append("<section class=\"banner\" id=\"convention\"><strong>Counting convention.</strong> ")
                .append(escape(Units.CONVENTION)).append("</section>\n");
        out.append("<div class=\"summary\">\n");
        totals(analysis, out);
        out.append("<section class=\"card\" id=\"rf\"><h2>Receptive field per layer</h2>\n")
                .append(ReceptiveFieldChart.svg(analysis)).append("</section>\n</div>\n");
        diagnostics(analysis, out);
        out.append("<div class=\"main\">\n<section class=\"card diagram-card\"><h2>Diagram")
                .append("<span class=\"tools\"><button type=\"button\" id=\"fit\">fit width</button></span></h2>\n");
        legend(out);
        out.append("<div id=\"diagram\" class=\"diagram\">\n").append(inlineSvg(svg)).append("\n</div></section>\n");
        layerTable(analysis, out);
        out.append("</div>\n<footer>Made by cnnkit from the network ").append(escape(name))
                .append(". Click a node or a row to select a layer; click a column title to sort; click a module")
                .append(" row to fold it.</footer>\n<script>\n").append(resource("report.js")).append("</script>\n")
                .append("</body>\n</html>\n");
        return out.toString();
    }

    private static void totals(Analysis analysis, StringBuilder out) {
        boolean aux = analysis.hasAuxiliaryLayers();
        Totals inf = analysis.inferenceTotals();
        Totals train = analysis.trainingTotals();
        out.append("<section class=\"card\" id=\"totals\"><h2>Totals</h2>\n<table class=\"totals\">\n<thead><tr><th></th>")
                .append(aux ? "<th>Inference<br><small>auxiliary heads excluded</small></th>"
                        + "<th>Training<br><small>auxiliary heads included</small></th>" : "<th>Network</th>")
                .append("</tr></thead>\n<tbody>\n");
        totalsRow(out, aux, "Layers", inf, train, t -> Units.count(t.layers()));
        totalsRow(out, aux, "Parameters (trainable)", inf, train, t -> Units.countWithUnit(t.parameters()));
        totalsRow(out, aux, "Buffers (non-trainable)", inf, train, t -> Units.countWithUnit(t.buffers()));
        totalsRow(out, aux, "Parameter memory", inf, train, t -> Units.bytes(t.parameterBytes()));
        totalsRow(out, aux, "MACs", inf, train, t -> Units.countWithUnit(t.macs()));
        totalsRow(out, aux, "FLOPs", inf, train, t -> Units.countWithUnit(t.flops()));
        totalsRow(out, aux, "Activations (sum)", inf, train, t -> Units.bytes(t.activationBytes()));
        String peak = Units.bytes(analysis.peakActivationBytes());
        out.append("<tr><th>Peak activation memory</th>").append(aux ? "<td>-</td>" : "")
                .append("<td>").append(escape(peak)).append("</td></tr>\n");
        out.append("</tbody></table>\n<p class=\"note\">Peak activation memory is the arena of the buffer-reuse plan")
                .append(" that the executor uses; the activation sum counts every layer output once.</p></section>\n");
    }

    private static void totalsRow(StringBuilder out, boolean aux, String label, Totals inference, Totals training,
                                  Function<Totals, String> figure) {
        out.append("<tr><th>").append(label).append("</th><td>").append(escape(figure.apply(inference))).append("</td>");
        if (aux) {
            out.append("<td>").append(escape(figure.apply(training))).append("</td>");
        }
        out.append("</tr>\n");
    }

    private static void diagnostics(Analysis analysis, StringBuilder out) {
        if (analysis.diagnostics().isEmpty()) {
            return;
        }
        out.append("<section class=\"card warnings\" id=\"diagnostics\"><h2>Warnings</h2>\n");
        for (Diagnostic d : analysis.diagnostics()) {
            out.append("<pre>").append(escape(d.render())).append("</pre>\n");
        }
        out.append("</section>\n");
    }

    private static void legend(StringBuilder out) {
        out.append("<div class=\"legend\">");
        for (NodeKind kind : NodeKind.values()) {
            if (kind == NodeKind.OUTPUT || kind == NodeKind.OTHER || kind == NodeKind.MODULE) {
                continue;
            }
            out.append("<span><i style=\"background:").append(Palette.fill(kind)).append("\"></i>")
                    .append(kind.name().toLowerCase(java.util.Locale.ROOT)).append("</span>");
        }
        out.append("<span><i class=\"aux-swatch\"></i>auxiliary head</span></div>\n");
    }

    private static final String[] COLUMNS = {"#", "Layer", "Type", "Output shape", "Params", "MACs", "FLOPs",
            "RF size/stride", "Memory"};

    private static void layerTable(Analysis analysis, StringBuilder out) {
        out.append("<section class=\"card table-card\"><h2>Layers</h2>\n<table id=\"layer-table\" class=\"layers\">\n")
                .append("<thead><tr>");
        for (int c = 0; c < COLUMNS.length; c++) {
            boolean text = c >= 1 && c <= 3;
            out.append("<th data-col=\"").append(c).append("\" data-type=\"").append(text ? "text" : "num")
                    .append("\" class=\"").append(text ? "" : "num").append("\" title=\"sort by ")
                    .append(COLUMNS[c]).append("\">").append(COLUMNS[c]).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        // the scopes enclosing each scope, outermost first, from the layers' own scope lists
        Map<String, List<String>> ancestors = new HashMap<>();
        for (LayerStats s : analysis.layers()) {
            List<Scope> scopes = s.layer().scopes();
            for (int level = 0; level < scopes.size(); level++) {
                ancestors.putIfAbsent(scopes.get(level).path(), paths(scopes.subList(0, level)));
            }
        }
        int index = 0;
        for (ReportRow row : ReportRow.of(analysis, Integer.MAX_VALUE)) {
            if (row.kind() == ReportRow.Kind.HEADER) {
                scopeRow(analysis, row, String.join(" ", ancestors.get(row.path())), out);
            } else {
                LayerStats s = analysis.stats(row.path()).orElseThrow();
                layerRow(s, row, String.join(" ", paths(s.layer().scopes())), index++, out);
            }
        }
        out.append("</tbody></table>\n</section>\n");
    }

    private static List<String> paths(List<Scope> scopes) {
        return scopes.stream().map(Scope::path).toList();
    }

    private static void scopeRow(Analysis analysis, ReportRow row, String scopes, StringBuilder out) {
        Totals t = analysis.scope(row.path()).map(ScopeStats::totals).orElse(Totals.ZERO);
        out.append("<tr class=\"scope").append(row.aux() ? " aux" : "").append("\" id=\"s-").append(escape(row.path()))
                .append("\" data-path=\"").append(escape(row.path())).append("\" data-scopes=\"").append(escape(scopes))
                .append("\" style=\"--level:").append(row.level()).append("\"><td></td><td class=\"name\">")
                .append("<span class=\"fold\" aria-hidden=\"true\"></span>").append(escape(row.label()))
                .append("</td><td>").append(escape(row.type())).append("</td><td></td>")
                .append(numberCell(t.parameters(), Units.count(t.parameters())))
                .append(numberCell(t.macs(), Units.count(t.macs())))
                .append(numberCell(t.flops(), Units.count(t.flops())))
                .append("<td></td>").append(numberCell(t.activationBytes(), Units.scaledBytes(t.activationBytes())))
                .append("</tr>\n");
    }

    private static void layerRow(LayerStats s, ReportRow row, String scopes, int index, StringBuilder out) {
        long rfSize = s.receptiveField() == null ? -1 : s.receptiveField().global() ? Long.MAX_VALUE
                : Math.max(s.receptiveField().sizeH(), s.receptiveField().sizeW());
        out.append("<tr class=\"layer").append(row.aux() ? " aux" : "").append("\" id=\"r-").append(escape(row.path()))
                .append("\" data-layer=\"").append(escape(row.path())).append("\" data-scopes=\"").append(escape(scopes))
                .append("\" style=\"--level:").append(row.level()).append("\">")
                .append(numberCell(index, Integer.toString(index + 1)))
                .append("<td class=\"name\" title=\"").append(escape(row.path())).append("\">").append(escape(row.label()))
                .append(row.aux() ? " <span class=\"badge\">aux</span>" : "").append("</td><td>")
                .append(escape(OpSummary.of(s.layer().op()))).append("</td><td class=\"shape\">")
                .append(escape(Units.shape(s.outputShape()))).append("</td>")
                .append(numberCell(s.parameters(), Units.count(s.parameters())))
                .append(numberCell(s.macs(), Units.count(s.macs())))
                .append(numberCell(s.flops(), Units.count(s.flops())))
                .append(numberCell(rfSize, Units.field(s.receptiveField())))
                .append(numberCell(s.activationBytes(), Units.scaledBytes(s.activationBytes())))
                .append("</tr>\n");
    }

    private static String numberCell(long sortValue, String text) {
        return "<td class=\"num\" data-v=\"" + sortValue + "\">" + escape(text) + "</td>";
    }

    /** The SVG element alone: the XML declaration and doctype do not belong inside HTML. */
    static String inlineSvg(String svg) {
        int start = svg.indexOf("<svg");
        if (start < 0) {
            throw new IllegalArgumentException("not an SVG document");
        }
        return svg.substring(start).strip();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
