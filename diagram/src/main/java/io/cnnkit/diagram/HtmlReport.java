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
        return render(analysis, svg, DiagramOptions.DEFAULT);
    }

    /** The page; {@code svg} is the diagram of {@code analysis} drawn with {@code options}. */
    public static String render(Analysis analysis, String svg, DiagramOptions options) {
        return render(analysis, svg, options, "");
    }

    /** The page with {@code section} (HTML, e.g. {@link RunCharts#section}) after the summary cards. */
    public static String render(Analysis analysis, String svg, DiagramOptions options, String section) {
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
                .append(ReceptiveFieldChart.svg(analysis)).append("</section>\n</div>\n").append(section);
        diagnostics(analysis, out);
        out.append("<div class=\"main\">\n<section class=\"card diagram-card\"><h2>Diagram")
                .append("<span class=\"tools\"><button type=\"button\" id=\"zoom-out\" title=\"zoom out\">\u2212</button>")
                .append("<button type=\"button\" id=\"zoom-in\" title=\"zoom in\">+</button>")
                .append("<button type=\"button\" id=\"zoom-fit\" title=\"the whole diagram in the pane\">fit</button>")
                .append("<button type=\"button\" id=\"zoom-reset\" title=\"actual size\">100%</button></span></h2>\n");
        if (options.heat().isEmpty()) {
            legend(out); // with a heat map, colours are costs: the diagram draws that legend itself
        }
        out.append(depthNote(analysis, options));
        out.append("<div id=\"diagram\" class=\"diagram\" tabindex=\"0\" aria-label=\"diagram: wheel to zoom, drag to pan\">")
                .append("<div class=\"canvas\">\n").append(inlineSvg(svg)).append("\n</div></div>\n")
                .append("<p class=\"note\">Wheel to zoom, drag to pan; click a node to find its row.</p></section>\n");
        layerTable(analysis, out);
        out.append("</div>\n<footer>Made by cnnkit from the network ").append(escape(name))
                .append(". Click a node or a row to select a layer; search finds a layer by name; click a column title")
                .append(" to sort; click a module row to fold it.</footer>\n<script>\n").append(resource("report.js")).append("</script>\n")
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
            if (kind == NodeKind.OUTPUT) {
                continue;
            }
            out.append("<span><i style=\"background:").append(Palette.fill(kind)).append("\"></i>")
                    .append(kind.name().toLowerCase(java.util.Locale.ROOT)).append("</span>");
        }
        out.append("<span><i class=\"aux-swatch\"></i>auxiliary head</span></div>\n");
    }

    private static final String[] COLUMNS = {"#", "Layer", "Type", "Output shape", "Params", "MACs", "FLOPs",
            "RF", "Memory"};
    private static final String[] COLUMN_TITLES = {"schedule order", "layer name", "operator", "output shape per sample",
            "trainable parameters", "multiply-accumulates", "floating-point operations",
            "receptive field on the input: size/stride", "activation memory of the output"};

    private static void layerTable(Analysis analysis, StringBuilder out) {
        out.append("<section class=\"card table-card\"><h2>Layers")
                .append("<input type=\"search\" id=\"search\" placeholder=\"find a layer by name\" aria-label=\"find a layer by name\"")
                .append(" autocomplete=\"off\"><span id=\"search-count\" class=\"count\"></span><span class=\"tools\">")
                .append("<button type=\"button\" id=\"unfold-all\">unfold all</button>")
                .append("<button type=\"button\" id=\"fold-all\">fold</button></span></h2>\n")
                .append("<div class=\"table-scroll\" id=\"table-scroll\">\n<table id=\"layer-table\" class=\"layers\">\n")
                .append("<thead><tr>");
        for (int c = 0; c < COLUMNS.length; c++) {
            boolean text = c >= 1 && c <= 3;
            out.append("<th data-col=\"").append(c).append("\" data-type=\"").append(text ? "text" : "num")
                    .append("\" class=\"").append(text ? "" : "num").append("\" title=\"").append(COLUMN_TITLES[c]).append("; click to sort").append("\">").append(COLUMNS[c]).append("</th>");
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
        out.append("</tbody></table>\n</div></section>\n");
    }

    private static List<String> paths(List<Scope> scopes) {
        return scopes.stream().map(Scope::path).toList();
    }

    private static void scopeRow(Analysis analysis, ReportRow row, String scopes, StringBuilder out) {
        Totals t = analysis.scope(row.path()).map(ScopeStats::totals).orElse(Totals.ZERO);
        out.append("<tr class=\"scope").append(row.aux() ? " aux" : "").append("\" id=\"s-").append(escape(row.path()))
                .append("\" data-path=\"").append(escape(row.path())).append("\" data-scopes=\"").append(escape(scopes))
                .append("\" data-level=\"").append(row.level())
                .append("\" style=\"--level:").append(row.level()).append("\"><td></td><td class=\"name\">")
                .append("<span class=\"fold\" aria-hidden=\"true\"></span>").append(escape(row.label()))
                .append("</td><td>").append(escape(row.type())).append("</td><td></td>")
                .append(countCell(t.parameters())).append(countCell(t.macs())).append(countCell(t.flops()))
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
                .append(countCell(s.parameters())).append(countCell(s.macs())).append(countCell(s.flops()))
                .append(numberCell(rfSize, Units.field(s.receptiveField())))
                .append(numberCell(s.activationBytes(), Units.scaledBytes(s.activationBytes())))
                .append("</tr>\n");
    }

    /** A count in short ({@code 2.36 M}), exact in its tooltip, so that every column fits at 1280 px. */
    private static String countCell(long n) {
        return "<td class=\"num\" data-v=\"" + n + "\" title=\"" + Units.count(n) + "\">" + escape(Units.decimal(n)) + "</td>";
    }

    /** Says which depth the diagram is drawn at when it does not show every layer. */
    private static String depthNote(Analysis analysis, DiagramOptions options) {
        int full = DiagramModel.fullDepth(analysis);
        if (options.depth() >= full) {
            return "";
        }
        return "<p class=\"depth-note\">Modules nested deeper than " + options.depth() + " are drawn as one node with"
                + " subtotals; <code>cnn report --depth " + full + "</code> draws every layer.</p>\n";
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
