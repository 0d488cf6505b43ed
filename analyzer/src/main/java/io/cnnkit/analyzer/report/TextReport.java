package io.cnnkit.analyzer.report;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.analyzer.Totals;
import java.util.Optional;

/**
 * The layer table in the spirit of torchinfo's summary: one row per layer (or per collapsed
 * scope), then the totals, under a banner that states the counting convention and units.
 */
public final class TextReport {

    private TextReport() {
    }

    /** Renders every layer. */
    public static String render(Analysis analysis) {
        return render(analysis, Integer.MAX_VALUE);
    }

    /**
     * The deepest {@code depth} whose table has at most {@code rows} rows (0 when none has), so
     * that a deep network's table fits a screen; {@link Integer#MAX_VALUE} when every layer fits.
     */
    public static int depthToFit(Analysis analysis, int rows) {
        int deepest = deepestScope(analysis);
        if (ReportRow.of(analysis, Integer.MAX_VALUE).size() <= rows) {
            return Integer.MAX_VALUE;
        }
        for (int depth = deepest - 1; depth > 0; depth--) {
            if (ReportRow.of(analysis, depth).size() <= rows) {
                return depth;
            }
        }
        return 0;
    }

    /** How deeply modules nest: the depth at which every layer has its own row. */
    public static int deepestScope(Analysis analysis) {
        return analysis.layers().stream().mapToInt(s -> s.layer().scopes().size()).max().orElse(0);
    }

    /** Renders with scopes nested deeper than {@code depth} collapsed into one row each. */
    public static String render(Analysis analysis, int depth) {
        StringBuilder out = new StringBuilder();
        out.append(banner(analysis)).append('\n');
        out.append(layerTable(analysis, depth, "  ").renderText()).append('\n');
        out.append(totalsTable(analysis).renderText());
        out.append("A module's row gives its subtotals; its layers follow, indented. Peak activation memory is the\n")
                .append("arena of the buffer-reuse plan (docs/counting.md); the activation sum counts every layer output once.\n");
        if (analysis.hasAuxiliaryLayers()) {
            out.append("* layer feeds only auxiliary (training) outputs.\n");
        }
        if (!analysis.diagnostics().isEmpty()) {
            long errors = analysis.diagnostics().stream().filter(d -> d.isError()).count();
            out.append(errors).append(" error(s), ").append(analysis.diagnostics().size() - errors)
                    .append(errors > 0 ? " warning(s); layers marked ? could not be analysed.\n" : " warning(s).\n");
        }
        return out.toString();
    }

    static String banner(Analysis analysis) {
        return "Network " + analysis.graph().name() + ", batch " + analysis.batch() + "\n"
                + wrap(Units.CONVENTION, 100) + "\n";
    }

    /** The layer rows; {@code indent} is repeated once per nesting level before a row's label. */
    static Table layerTable(Analysis analysis, int depth, String indent) {
        Table table = new Table("Layer", "Type", "Output shape", ">Params", ">MACs", ">FLOPs", ">RF", ">Memory");
        for (ReportRow row : ReportRow.of(analysis, depth)) {
            String label = indent.repeat(row.level()) + row.label() + (row.aux() ? " *" : "");
            if (row.kind() == ReportRow.Kind.HEADER) {
                // an expanded module's row carries its subtotals; its layers follow, indented
                Optional<ScopeStats> sub = analysis.scope(row.path());
                if (sub.isEmpty()) {
                    table.row(label, row.type(), "", "", "", "", "", "");
                } else {
                    Totals t = sub.get().totals();
                    LayerStats last = analysis.stats(sub.get().last());
                    table.row(label, row.type(), Units.shape(last.outputShape()), Units.count(t.parameters()),
                            Units.count(t.macs()), Units.count(t.flops()), Units.field(last.receptiveField()),
                            Units.scaledBytes(t.activationBytes()));
                }
                continue;
            }
            boolean known = row.outputShape() != null;
            table.row(label, row.kind() == ReportRow.Kind.SCOPE ? row.type() + " (collapsed)" : row.type(),
                    Units.shape(row.outputShape()), known ? Units.count(row.parameters()) : "-",
                    known ? Units.count(row.macs()) : "-", known ? Units.count(row.flops()) : "-",
                    Units.field(row.receptiveField()), known ? Units.scaledBytes(row.activationBytes()) : "-");
        }
        return table;
    }

    static Table totalsTable(Analysis analysis) {
        boolean aux = analysis.hasAuxiliaryLayers();
        Table table = aux ? new Table("Totals", ">Inference (auxiliary heads excluded)",
                ">Training (auxiliary heads included)") : new Table("Totals", ">");
        Totals inf = analysis.inferenceTotals();
        Totals train = analysis.trainingTotals();
        addRow(table, aux, "Layers", Units.count(inf.layers()), Units.count(train.layers()));
        addRow(table, aux, "Parameters (trainable)", Units.countWithUnit(inf.parameters()),
                Units.countWithUnit(train.parameters()));
        addRow(table, aux, "Buffers (non-trainable)", Units.countWithUnit(inf.buffers()),
                Units.countWithUnit(train.buffers()));
        addRow(table, aux, "Parameter memory", Units.bytes(inf.parameterBytes()), Units.bytes(train.parameterBytes()));
        addRow(table, aux, "MACs", Units.countWithUnit(inf.macs()), Units.countWithUnit(train.macs()));
        addRow(table, aux, "FLOPs", Units.countWithUnit(inf.flops()), Units.countWithUnit(train.flops()));
        addRow(table, aux, "Activations (sum)", Units.bytes(inf.activationBytes()), Units.bytes(train.activationBytes()));
        String peak = Units.bytes(analysis.peakActivationBytes());
        addRow(table, aux, "Peak activation memory", aux ? "-" : peak, peak);
        return table;
    }

    private static void addRow(Table table, boolean twoColumns, String name, String inference, String training) {
        if (twoColumns) {
            table.row(name, inference, training);
        } else {
            table.row(name, inference);
        }
    }

    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (out.length() - lineStart + word.length() + 1 > width && out.length() > lineStart) {
                out.append('\n');
                lineStart = out.length();
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }
}
