package io.cnnkit.analyzer.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.analyzer.Totals;
import io.cnnkit.compiler.graph.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Two analyses side by side: inference totals, and the differences per top-level module (a
 * top-level scope, or a layer outside any scope), matched by name.
 */
public final class Comparison {

    /**
     * One module of either network; a side's type, totals and output are null where that network
     * has no such module.
     */
    public record Module(String path, String firstType, String secondType, Totals first, Totals second,
                         Shape firstOutput, Shape secondOutput) {
        /** The type shown for both sides: one name when they agree, {@code a/b} when they differ. */
        public String type() {
            if (firstType == null || secondType == null || firstType.equals(secondType)) {
                return firstType != null ? firstType : secondType;
            }
            return firstType + "/" + secondType;
        }
    }

    private final Analysis first;
    private final Analysis second;
    private final List<Module> modules;

    private Comparison(Analysis first, Analysis second, List<Module> modules) {
        this.first = first;
        this.second = second;
        this.modules = List.copyOf(modules);
    }

    public static Comparison of(Analysis first, Analysis second) {
        Map<String, Module> byPath = new LinkedHashMap<>();
        for (Map.Entry<String, Unit> e : units(first).entrySet()) {
            Unit u = e.getValue();
            byPath.put(e.getKey(), new Module(e.getKey(), u.type(), null, u.totals(), null, u.output(), null));
        }
        for (Map.Entry<String, Unit> e : units(second).entrySet()) {
            Unit u = e.getValue();
            Module m = byPath.get(e.getKey());
            byPath.put(e.getKey(), m == null ? new Module(e.getKey(), null, u.type(), null, u.totals(), null, u.output())
                    : new Module(m.path(), m.firstType(), u.type(), m.first(), u.totals(), m.firstOutput(), u.output()));
        }
        return new Comparison(first, second, new ArrayList<>(byPath.values()));
    }

    private record Unit(String type, Totals totals, Shape output) {
    }

    private static Map<String, Unit> units(Analysis analysis) {
        Map<String, Unit> units = new LinkedHashMap<>();
        for (LayerStats s : analysis.layers()) {
            if (s.layer().scopes().isEmpty()) {
                units.put(s.layer().name(), new Unit(s.layer().kind(),
                        s.analysed() ? Totals.ZERO.plus(s) : Totals.ZERO, s.outputShape()));
            } else {
                ScopeStats sub = analysis.scope(s.layer().scopes().get(0).path()).orElse(null);
                if (sub != null) {
                    units.putIfAbsent(sub.scope().path(), new Unit(sub.scope().kind(), sub.totals(),
                            analysis.stats(sub.last()).outputShape()));
                }
            }
        }
        return units;
    }

    public Analysis first() {
        return first;
    }

    public Analysis second() {
        return second;
    }

    public List<Module> modules() {
        return modules;
    }

    public String renderText() {
        String a = first.graph().name();
        String b = second.graph().name();
        StringBuilder out = new StringBuilder();
        out.append("Comparison of ").append(a).append(" (batch ").append(first.batch()).append(") and ").append(b)
                .append(" (batch ").append(second.batch()).append(")\n")
                .append(TextReport.wrap(Units.CONVENTION, 100)).append("\n\n");
        Table totals = new Table("Inference totals", ">" + a, ">" + b, ">Difference", ">Ratio");
        Totals x = first.inferenceTotals();
        Totals y = second.inferenceTotals();
        totalsRow(totals, "Parameters", x.parameters(), y.parameters(), false);
        totalsRow(totals, "Buffers", x.buffers(), y.buffers(), false);
        totalsRow(totals, "MACs", x.macs(), y.macs(), false);
        totalsRow(totals, "FLOPs", x.flops(), y.flops(), false);
        totalsRow(totals, "Activations (sum)", x.activationBytes(), y.activationBytes(), true);
        totalsRow(totals, "Peak activation memory", first.peakActivationBytes(), second.peakActivationBytes(), true);
        totals.row("Outputs", outputs(first), outputs(second), "", "");
        out.append(totals.renderText()).append('\n');
        // short units keep the table within 120 columns; the JSON form has the exact counts
        out.append("A = ").append(a).append(", B = ").append(b).append("; a type or output shown as A/B differs.\n");
        Table per = new Table("Module", "Type", ">Params A", ">Params B", ">Change", ">MACs A", ">MACs B",
                ">Change", "Output");
        for (Module m : modules) {
            per.row(m.path(), m.type(), value(m.first(), Totals::parameters), value(m.second(), Totals::parameters),
                    difference(m, Totals::parameters), value(m.first(), Totals::macs), value(m.second(), Totals::macs),
                    difference(m, Totals::macs), output(m));
        }
        return out.append(per.renderText()).toString();
    }

    /** The comparison as JSON (schema in docs/report-schema.md, "Comparison"). */
    public String renderJson() {
        ObjectNode root = JsonReport.newObject();
        root.put("schemaVersion", JsonReport.SCHEMA_VERSION);
        side(root.putObject("first"), first);
        side(root.putObject("second"), second);
        ArrayNode list = root.putArray("modules");
        for (Module m : modules) {
            ObjectNode node = list.addObject().put("path", m.path()).put("type", m.type());
            moduleSide(node, "first", m.firstType(), m.first(), m.firstOutput());
            moduleSide(node, "second", m.secondType(), m.second(), m.secondOutput());
        }
        return JsonReport.write(root);
    }

    private static void side(ObjectNode node, Analysis analysis) {
        node.put("network", analysis.graph().name()).put("batch", analysis.batch());
        JsonReport.totals(node.putObject("totals"), analysis.inferenceTotals());
        node.put("peakActivationBytes", analysis.peakActivationBytes());
    }

    private static void moduleSide(ObjectNode node, String side, String type, Totals totals, Shape output) {
        if (totals == null) {
            node.putNull(side);
            return;
        }
        ObjectNode sideNode = node.putObject(side);
        sideNode.put("type", type);
        JsonReport.totals(sideNode, totals);
        if (output == null) {
            sideNode.putNull("outputShape");
        } else {
            JsonReport.dims(sideNode.putArray("outputShape"), output.dims());
        }
    }

    private static void totalsRow(Table table, String name, long a, long b, boolean bytes) {
        String ratio = a == 0 ? "-" : String.format(Locale.ROOT, "%.3fx", b / (double) a);
        table.row(name, bytes ? shortBytes(a) : Units.countWithUnit(a), bytes ? shortBytes(b) : Units.countWithUnit(b),
                signed(Math.subtractExact(b, a)), ratio);
    }

    /** {@code 33,525,664 B (33.53 MB)}: the analyze table's MiB are left out to keep within 120 columns. */
    private static String shortBytes(long bytes) {
        return Units.count(bytes) + " B (" + Units.scaledBytes(bytes) + ")";
    }

    private static String outputs(Analysis analysis) {
        return analysis.graph().outputs().stream().filter(o -> !o.aux())
                .map(o -> o.name() + " " + Units.shape(analysis.stats(o.layer()).outputShape()))
                .collect(Collectors.joining(", "));
    }

    private static String value(Totals t, ToLongFunction<Totals> f) {
        return t == null ? "-" : Units.decimal(f.applyAsLong(t));
    }

    private static String output(Module m) {
        String a = m.first() == null ? "-" : Units.shape(m.firstOutput());
        String b = m.second() == null ? "-" : Units.shape(m.secondOutput());
        return a.equals(b) ? a : a + "/" + b;
    }

    private static String difference(Module m, ToLongFunction<Totals> f) {
        long a = m.first() == null ? 0 : f.applyAsLong(m.first());
        long b = m.second() == null ? 0 : f.applyAsLong(m.second());
        long d = Math.subtractExact(b, a);
        return (d > 0 ? "+" : "") + Units.decimal(d);
    }

    private static String signed(long n) {
        return (n > 0 ? "+" : "") + Units.count(n);
    }
}
