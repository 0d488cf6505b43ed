package io.cnnkit.bench;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Executor;
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
        int width = Math.max(5, steps.stream().mapToInt(s -> s.name().length()).max().orElse(5));
        String row = "%-" + width + "s  %-14s %9s %9s %7s %7s%n";
        out.println();
        out.printf(Locale.ROOT, row, "step", "kind", "ms/run", "GFLOP/s", "% peak", "share");
        Map<String, KindTotal> byKind = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Executor.StepProfile s = steps.get(i);
            byKind.merge(kinds.get(i), new KindTotal(0, 0, 0).plus(s), (a, b) -> a.plus(s));
            out.printf(Locale.ROOT, row, s.name(), kinds.get(i), BenchCommand.f(s.millisPerRun(), 3), gflops(s.macs(),
                    s.millisPerRun()), percent(s.macs(), s.millisPerRun(), peak), share(s.millisPerRun(), total));
        }
        out.println();
        String kindRow = "%-14s %6s %9s %9s %7s %7s%n";
        out.printf(Locale.ROOT, kindRow, "kind", "steps", "ms/run", "GFLOP/s", "% peak", "share");
        byKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().millis(), a.getValue().millis()))
                .forEach(e -> out.printf(Locale.ROOT, kindRow, e.getKey(), e.getValue().steps(),
                        BenchCommand.f(e.getValue().millis(), 3), gflops(e.getValue().macs(), e.getValue().millis()),
                        percent(e.getValue().macs(), e.getValue().millis(), peak), share(e.getValue().millis(), total)));
        out.printf(Locale.ROOT, kindRow, "total", steps.size(), BenchCommand.f(total, 3),
                gflops(steps.stream().mapToLong(Executor.StepProfile::macs).sum(), total), "", "100%");
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

    static List<String> kinds(Executor executor) {
        List<String> kinds = new ArrayList<>();
        executor.plan().steps().forEach(s -> kinds.add(kind(s.layers().get(0))));
        return kinds;
    }
}
