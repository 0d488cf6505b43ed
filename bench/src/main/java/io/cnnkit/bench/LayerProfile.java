package io.cnnkit.bench;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.plan.ExecutionPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * cnnkit's time per step (layers fused into one kernel run) against the measured peak, then summed
 * per kind of layer (convolutions by kernel and stride), which shows where the time goes.
 */
final class LayerProfile {
    /** ORT nodes that no cnnkit layer stands for are summed under this prefix and their op type. */
    private static final String ORT_ONLY = "ORT only: ";
    /** Long node names are clipped so that a row fits 100 columns. */
    private static final int NAME_COLUMN = 30;
    /** Wide enough for a fused expand and depthwise step's kind, {@code conv 1x1/1+3x3/2 g144}. */
    private static final int KIND_COLUMN = 22;
    /** Room left for a step's label by the per-step table's other columns in 100 columns. */
    private static final int STEP_COLUMN = Terminal.COLUMNS - KIND_COLUMN - 38;

    private LayerProfile() {
    }

    /** One kind of layer: its total time per run and MACs. */
    private record KindTotal(double millis, long macs, int steps) {
        KindTotal plus(Executor.StepProfile s) {
            return new KindTotal(millis + s.millisPerRun(), macs + s.macs(), steps + 1);
        }
    }

    static void print(Executor executor, double peak, PrintWriter out) {
        List<Executor.StepProfile> steps = executor.profile();
        List<String> kinds = kinds(executor);
        double total = steps.stream().mapToDouble(Executor.StepProfile::millisPerRun).sum();
        List<String> labels = labels(executor);
        int width = Math.min(STEP_COLUMN, Math.max(5, labels.stream().mapToInt(String::length).max().orElse(5)));
        String row = "%-" + width + "s  %-" + KIND_COLUMN + "s %9s %9s %7s %7s%n";
        out.println();
        out.println("step: its first layer, then the kinds of the layers fused into it");
        out.printf(Locale.ROOT, row, "step", "kind", "ms/run", "GFLOP/s", "% peak", "share");
        Map<String, KindTotal> byKind = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Executor.StepProfile s = steps.get(i);
            byKind.merge(kinds.get(i), new KindTotal(0, 0, 0).plus(s), (a, b) -> a.plus(s));
            out.printf(Locale.ROOT, row, Terminal.clip(labels.get(i), width), Terminal.clip(kinds.get(i), KIND_COLUMN),
                    BenchCommand.f(s.millisPerRun(), 3), gflops(s.macs(), s.millisPerRun()),
                    percent(s.macs(), s.millisPerRun(), peak), share(s.millisPerRun(), total));
        }
        out.println();
        String kindRow = "%-" + KIND_COLUMN + "s %6s %9s %9s %7s %7s%n";
        out.printf(Locale.ROOT, kindRow, "kind", "steps", "ms/run", "GFLOP/s", "% peak", "share");
        byKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().millis(), a.getValue().millis()))
                .forEach(e -> out.printf(Locale.ROOT, kindRow, e.getKey(), e.getValue().steps(),
                        BenchCommand.f(e.getValue().millis(), 3), gflops(e.getValue().macs(), e.getValue().millis()),
                        percent(e.getValue().macs(), e.getValue().millis(), peak), share(e.getValue().millis(), total)));
        out.printf(Locale.ROOT, kindRow, "total", steps.size(), BenchCommand.f(total, 3),
                gflops(steps.stream().mapToLong(Executor.StepProfile::macs).sum(), total), "", "100%");
    }

    /**
     * ONNX Runtime's per-node times next to cnnkit's steps, then both summed by cnnkit's kind of
     * layer. An ORT node counts for the step holding the layer it is named after; nodes ORT added
     * (layout reorders and such) or named after a layer that cnnkit runs as no step (a flatten) are
     * summed apart, never guessed into a kind.
     */
    static void printVersusOrt(Executor executor, OrtProfile ort, PrintWriter out) {
        List<Executor.StepProfile> steps = executor.profile();
        List<String> kinds = kinds(executor);
        Map<String, Integer> stepOfLayer = new LinkedHashMap<>();
        List<ExecutionPlan.Step> plan = executor.plan().steps();
        for (int i = 0; i < plan.size(); i++) {
            for (Layer l : plan.get(i).layers()) {
                stepOfLayer.put(l.name(), i);
            }
        }
        List<String> layerNames = List.copyOf(stepOfLayer.keySet());
        List<String> labels = labels(executor);
        Map<String, double[]> byKind = new LinkedHashMap<>(); // kind -> {cnnkit ms, ORT ms}
        for (int i = 0; i < steps.size(); i++) {
            byKind.computeIfAbsent(kinds.get(i), k -> new double[2])[0] += steps.get(i).millisPerRun();
        }
        boolean[] stepMatched = new boolean[steps.size()];
        int width = Math.min(NAME_COLUMN, Math.max(4, ort.nodes().stream().mapToInt(n -> n.name().length()).max().orElse(4)));
        String row = "%-" + width + "s  %-14s %8s  %-" + KIND_COLUMN + "s %s%n";
        int layerWidth = Terminal.COLUMNS - width - 43;
        out.println();
        out.println("ONNX Runtime's own profile (its optimised graph, median per node; a separate profiling session):");
        out.printf(Locale.ROOT, row, "node", "op", "ms/run", "cnnkit kind", "cnnkit layer");
        double ortTotal = 0;
        double unmatched = 0;
        for (OrtProfile.Node n : ort.nodes()) {
            String layer = OrtProfile.layerOf(n, layerNames);
            String kind = "-";
            if (layer.isEmpty()) {
                byKind.computeIfAbsent(ORT_ONLY + n.opType(), k -> new double[2])[1] += n.millis();
                unmatched += n.millis();
            } else {
                int s = stepOfLayer.get(layer);
                stepMatched[s] = true;
                kind = kinds.get(s);
                byKind.get(kind)[1] += n.millis();
            }
            ortTotal += n.millis();
            out.printf(Locale.ROOT, row, Terminal.clip(n.name(), width), Terminal.clip(n.opType(), 14),
                    BenchCommand.f(n.millis(), 3), Terminal.clip(kind, KIND_COLUMN),
                    layer.isEmpty() ? "-" : Terminal.clip(layer, layerWidth));
        }
        double cnnkitTotal = steps.stream().mapToDouble(Executor.StepProfile::millisPerRun).sum();
        out.println();
        out.println("by kind of layer (an ORT node counts for the cnnkit step whose layer it is named after):");
        String kindRow = "%-24s %10s %10s %10s %8s%n";
        out.printf(Locale.ROOT, kindRow, "kind", "cnnkit ms", "ORT ms", "diff ms", "ratio");
        byKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0] - b.getValue()[1],
                        a.getValue()[0] - a.getValue()[1]))
                .forEach(e -> out.printf(Locale.ROOT, kindRow, e.getKey(), BenchCommand.f(e.getValue()[0], 3),
                        BenchCommand.f(e.getValue()[1], 3), BenchCommand.f(e.getValue()[0] - e.getValue()[1], 3),
                        e.getValue()[1] > 0 && e.getValue()[0] > 0 ? BenchCommand.f(e.getValue()[0] / e.getValue()[1], 2) : ""));
        out.printf(Locale.ROOT, kindRow, "total", BenchCommand.f(cnnkitTotal, 3), BenchCommand.f(ortTotal, 3),
                BenchCommand.f(cnnkitTotal - ortTotal, 3), ortTotal > 0 ? BenchCommand.f(cnnkitTotal / ortTotal, 2) : "");
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (!stepMatched[i]) {
                alone.add(labels.get(i));
            }
        }
        out.printf(Locale.ROOT, "not matched: %.3f ms of ORT nodes that no cnnkit step runs (rows \"%s...\")%n",
                unmatched, ORT_ONLY);
        Terminal.println(out, String.format(Locale.ROOT, "not matched: %d cnnkit step%s with no ORT node of its own"
                + " (ORT fused or removed them)%s", alone.size(), alone.size() == 1 ? "" : "s",
                alone.isEmpty() ? "" : ": " + String.join(", ", alone)));
    }

    private static String gflops(long macs, double millis) {
        return macs == 0 ? "" : BenchCommand.f(Timings.gflops(macs, millis), 1);
    }

    private static String percent(long macs, double millis, double peak) {
        return macs == 0 ? "" : BenchCommand.percentOfPeak(Timings.gflops(macs, millis), peak);
    }

    private static String share(double millis, double total) {
        return BenchCommand.f(total == 0 ? 0 : 100 * millis / total, 1) + "%";
    }

    /** The convolution geometry of a layer, e.g. {@code conv 3x3/1}, for grouping a profile by kind. */
    static String kind(Layer layer) {
        if (layer.op() instanceof Op.Conv c) {
            String shape = c.kernel().h() + "x" + c.kernel().w() + "/" + c.stride().h()
                    + (c.stride().w() != c.stride().h() ? "x" + c.stride().w() : "");
            return "conv " + shape + (c.groups() > 1 ? " g" + c.groups() : "");
        }
        return layer.kind();
    }

    /**
     * Each step's label: its first layer's name, then the kinds of the layers fused into it
     * ({@code layer1.0.conv1+batchnorm+relu}); the full chain of names repeats the block's prefix.
     */
    static List<String> labels(Executor executor) {
        return executor.plan().steps().stream().map(s -> s.layers().get(0).name() + s.layers().stream().skip(1)
                .map(l -> "+" + l.kind()).collect(java.util.stream.Collectors.joining())).toList();
    }

    /**
     * Each step's kind: its first layer's, and a second convolution's or a max pool's fused into it
     * ({@code conv 1x1/1+3x3/1 g144}, {@code conv 7x7/2+maxpool}).
     */
    static List<String> kinds(Executor executor) {
        List<String> kinds = new ArrayList<>();
        executor.plan().steps().forEach(s -> kinds.add(kind(s.layers().get(0)) + s.layers().stream().skip(1)
                .filter(l -> l.op() instanceof Op.Conv || l.op() instanceof Op.MaxPool)
                .map(l -> "+" + (l.op() instanceof Op.Conv ? kind(l).substring("conv ".length()) : kind(l)))
                .collect(java.util.stream.Collectors.joining())));
        return kinds;
    }
}
