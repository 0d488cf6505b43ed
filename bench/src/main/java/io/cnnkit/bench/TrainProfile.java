package io.cnnkit.bench;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.train.StepProfile;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cnn bench --train --profile}: cnnkit's time per training step by layer (forward and
 * backward pass) and by kind of layer, with the loss and the update, and the GFLOP/s of the layers
 * with multiply-adds (a backward pass computes about twice the forward's: the data and the weight
 * gradients).
 */
final class TrainProfile {
    private TrainProfile() {
    }

    /** One kind of layer's milliseconds per step and MACs per step. */
    private record KindTotal(int layers, double forward, double backward, long macs) {
        KindTotal plus(KindTotal o) {
            return new KindTotal(layers + o.layers, forward + o.forward, backward + o.backward, macs + o.macs);
        }
    }

    static void print(StepProfile profile, Analysis analysis, PrintWriter out) {
        int steps = Math.max(1, profile.steps());
        double loss = profile.lossNanos() / 1e6 / steps, update = profile.updateNanos() / 1e6 / steps;
        double prepare = profile.prepareNanos() / 1e6 / steps;
        double total = prepare + loss + update + profile.layers().stream()
                .mapToDouble(t -> (t.forwardNanos() + t.backwardNanos()) / 1e6 / steps).sum();
        int width = Math.max(5, profile.layers().stream().mapToInt(t -> t.layer().name().length()).max().orElse(5));
        String row = "%-" + width + "s  %-14s %9s %9s %9s %9s %7s%n";
        out.println();
        out.printf(Locale.ROOT, "cnnkit, mean of %d steps:%n", profile.steps());
        out.printf(Locale.ROOT, row, "layer", "kind", "fwd ms", "bwd ms", "fwd GF/s", "bwd GF/s", "share");
        Map<String, KindTotal> byKind = new LinkedHashMap<>();
        for (StepProfile.LayerTime t : profile.layers()) {
            double f = t.forwardNanos() / 1e6 / steps, b = t.backwardNanos() / 1e6 / steps;
            long macs = analysis.stats(t.layer()).macs();
            String kind = LayerProfile.kind(t.layer());
            byKind.merge(kind, new KindTotal(1, f, b, macs), KindTotal::plus);
            out.printf(Locale.ROOT, row, t.layer().name(), kind, BenchCommand.f(f, 3), BenchCommand.f(b, 3),
                    gflops(macs, f), gflops(2 * macs, b), share(f + b, total));
        }
        out.println();
        String kindRow = "%-14s %6s %9s %9s %9s %9s %7s%n";
        out.printf(Locale.ROOT, kindRow, "kind", "layers", "fwd ms", "bwd ms", "fwd GF/s", "bwd GF/s", "share");
        byKind.entrySet().stream()
                .sorted((a, c) -> Double.compare(c.getValue().forward() + c.getValue().backward(),
                        a.getValue().forward() + a.getValue().backward()))
                .forEach(e -> {
                    KindTotal k = e.getValue();
                    out.printf(Locale.ROOT, kindRow, e.getKey(), k.layers(), BenchCommand.f(k.forward(), 3),
                            BenchCommand.f(k.backward(), 3), gflops(k.macs(), k.forward()),
                            gflops(2 * k.macs(), k.backward()), share(k.forward() + k.backward(), total));
                });
        out.printf(Locale.ROOT, kindRow, "prepare convs", "", BenchCommand.f(prepare, 3), "", "", "",
                share(prepare, total));
        out.printf(Locale.ROOT, kindRow, "loss", "", BenchCommand.f(loss, 3), "", "", "", share(loss, total));
        out.printf(Locale.ROOT, kindRow, "update", "", "", BenchCommand.f(update, 3), "", "", share(update, total));
        out.printf(Locale.ROOT, kindRow, "step", "", BenchCommand.f(total, 3), "", "", "", "100%");
    }

    private static String gflops(long macs, double millis) {
        return macs == 0 || millis == 0 ? "" : BenchCommand.f(2.0 * macs / millis / 1e6, 1);
    }

    private static String share(double millis, double total) {
        return BenchCommand.f(total == 0 ? 0 : 100 * millis / total, 1) + "%";
    }
}
