package io.cnnkit.bench.jmh;

import io.cnnkit.bench.PeakProbe;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs a benchmark class whose {@code cnnkit} and {@code ort} methods time the same work, then
 * prints one row per parameter set: both times, the ratio cnnkit/ORT and GFLOP/s, with the share
 * of the FP32 peak that {@link PeakProbe} measures on the same machine afterwards (256- or 512-bit FMAs, the better).
 */
final class SideBySide {
    private SideBySide() {
    }

    /**
     * @param args JMH command-line options (e.g. {@code -p threads=1 -f 1 -wi 3 -i 5})
     * @param macs the MACs of one operation, from a result's parameters
     */
    static void run(Class<?> benchmark, String[] args, ToLongFunction<Map<String, String>> macs)
            throws RunnerException, CommandLineOptionException {
        ChainedOptionsBuilder options = new OptionsBuilder().parent(new CommandLineOptions(args));
        if (new CommandLineOptions(args).getIncludes().isEmpty()) {
            options.include(benchmark.getName() + "\\.");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> rows = new LinkedHashMap<>();
        Map<String, Map<String, String>> params = new LinkedHashMap<>();
        for (RunResult r : results) {
            Map<String, String> p = new LinkedHashMap<>();
            r.getParams().getParamsKeys().forEach(k -> p.put(k, r.getParams().getParam(k)));
            String key = p.toString();
            params.put(key, p);
            String method = r.getParams().getBenchmark();
            int side = method.endsWith(".cnnkit") ? 0 : 1;
            rows.computeIfAbsent(key, k -> new double[] {Double.NaN, Double.NaN})[side] = r.getPrimaryResult().getScore();
        }
        int threads = params.values().stream().mapToInt(p -> Integer.parseInt(p.getOrDefault("threads", "1"))).max()
                .orElse(1);
        // the machine's peak: the better of 256- and 512-bit FMAs, each probed in a JVM of its own
        double[] peak = new double[threads + 1];
        for (int bits : new int[] {256, 512}) {
            double[] rates = PeakProbe.inFreshJvm(threads, 500, bits).orElse(new double[threads]);
            for (int t = 1; t <= threads; t++) {
                peak[t] = Math.max(peak[t], rates[t - 1]);
            }
        }
        System.out.printf(Locale.ROOT, "%n%-40s %12s %12s %8s %10s %8s %10s %8s%n", "parameters", "cnnkit ms", "ORT ms",
                "ratio", "cnnkit GF/s", "% peak", "ORT GF/s", "% peak");
        rows.forEach((key, ms) -> {
            Map<String, String> p = params.get(key);
            double flop = 2.0 * macs.applyAsLong(p);
            double pk = peak[Integer.parseInt(p.getOrDefault("threads", "1"))];
            double ours = flop / (ms[0] * 1e6);
            double theirs = flop / (ms[1] * 1e6);
            System.out.printf(Locale.ROOT, "%-40s %12.3f %12.3f %8.2f %10.1f %7.0f%% %10.1f %7.0f%%%n", key, ms[0], ms[1],
                    ms[0] / ms[1], ours, 100 * ours / pk, theirs, 100 * theirs / pk);
        });
        for (int t = 1; t <= threads; t++) {
            System.out.printf(Locale.ROOT, "peak probe, %d thread%s: %.1f GFLOP/s (the issue's figure %.0f)%n", t,
                    t == 1 ? "" : "s", peak[t], t * PeakProbe.KNOWN_GFLOPS_PER_CORE);
        }
    }
}
