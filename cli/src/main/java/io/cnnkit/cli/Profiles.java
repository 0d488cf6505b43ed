package io.cnnkit.cli;

import io.cnnkit.exec.Executor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints an executor's per-step profile: time per run and achieved GFLOP/s against the analyzer's MACs. */
final class Profiles {
    private Profiles() {
    }

    static void print(List<Executor.StepProfile> steps, PrintWriter out) {
        int width = Math.max(5, steps.stream().mapToInt(s -> s.name().length()).max().orElse(5));
        String row = "%-" + width + "s  %-12s %10s %10s %8s%n";
        out.printf(Locale.ROOT, row, "layer", "kind", "ms/run", "GFLOP/s", "share");
        double total = steps.stream().mapToDouble(Executor.StepProfile::millisPerRun).sum();
        long macs = steps.stream().mapToLong(Executor.StepProfile::macs).sum();
        for (Executor.StepProfile s : steps) {
            out.printf(Locale.ROOT, row, s.name(), s.kind(), String.format(Locale.ROOT, "%.3f", s.millisPerRun()),
                    s.macs() == 0 ? "" : String.format(Locale.ROOT, "%.1f", s.gflops()),
                    String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100 * s.millisPerRun() / total));
        }
        out.printf(Locale.ROOT, row, "total", "", String.format(Locale.ROOT, "%.3f", total),
                String.format(Locale.ROOT, "%.1f", total == 0 ? 0 : 2.0 * macs / (total * 1e6)), "100.0%");
        out.println("GFLOP/s counts 2 FLOPs per MAC of conv and dense layers (the analyzer's MACs).");
    }
}
