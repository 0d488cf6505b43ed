package io.cnnkit.analyzer.report;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Scope;
import io.cnnkit.compiler.graph.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One row of a layer table: a layer, a collapsed scope with its subtotals, or the header of an
 * expanded scope (no figures: its layers follow, indented).
 *
 * @param path    full dotted name
 * @param label   the name relative to the enclosing expanded scope
 * @param level   indentation: how many expanded scopes enclose the row
 * @param aux     the row only feeds auxiliary outputs
 */
public record ReportRow(Kind kind, String path, String label, int level, String type, Shape outputShape,
                        long parameters, long macs, long flops, ReceptiveField receptiveField,
                        long activationBytes, boolean aux) {

    public enum Kind { LAYER, SCOPE, HEADER }

    /**
     * The rows of {@code analysis} in schedule order, scopes nested deeper than {@code depth}
     * collapsed into one row each ({@code depth} 0 collapses every top-level scope; use
     * {@link Integer#MAX_VALUE} to show every layer).
     */
    public static List<ReportRow> of(Analysis analysis, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be at least 0, got " + depth);
        }
        List<ReportRow> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (LayerStats s : analysis.layers()) {
            Layer layer = s.layer();
            List<Scope> scopes = layer.scopes();
            int expanded = Math.min(depth, scopes.size());
            for (int level = 0; level < expanded; level++) {
                Scope scope = scopes.get(level);
                if (seen.add(scope.path())) {
                    rows.add(new ReportRow(Kind.HEADER, scope.path(), relative(scope.path(), scopes, level), level,
                            scope.kind(), null, 0, 0, 0, null, 0, !s.inference()));
                }
            }
            if (scopes.size() > depth) {
                Scope scope = scopes.get(depth);
                if (seen.add(scope.path())) {
                    ScopeStats sub = analysis.scope(scope.path()).orElse(null);
                    rows.add(sub == null ? new ReportRow(Kind.SCOPE, scope.path(), relative(scope.path(), scopes, depth),
                            depth, scope.kind(), null, 0, 0, 0, null, 0, !s.inference())
                            : scopeRow(analysis, sub, relative(scope.path(), scopes, depth), depth));
                }
            } else {
                rows.add(new ReportRow(Kind.LAYER, layer.name(), relative(layer.name(), scopes, scopes.size()),
                        scopes.size(), layer.kind(), s.outputShape(), s.parameters(), s.macs(), s.flops(),
                        s.receptiveField(), s.activationBytes(), !s.inference()));
            }
        }
        return rows;
    }

    private static ReportRow scopeRow(Analysis analysis, ScopeStats sub, String label, int level) {
        LayerStats last = analysis.stats(sub.last());
        return new ReportRow(Kind.SCOPE, sub.scope().path(), label, level, sub.scope().kind(), last.outputShape(),
                sub.totals().parameters(), sub.totals().macs(), sub.totals().flops(), last.receptiveField(),
                sub.totals().activationBytes(), !last.inference());
    }

    /** The path without the prefix of the scope enclosing it at {@code level} (if any). */
    private static String relative(String path, List<Scope> scopes, int level) {
        if (level == 0) {
            return path;
        }
        String parent = scopes.get(level - 1).path() + ".";
        return path.startsWith(parent) ? path.substring(parent.length()) : path;
    }
}
