package io.cnnkit.bench;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.cli.ExitCode;
import io.cnnkit.cli.Sources;
import io.cnnkit.cli.WeightSource;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.onnx.OnnxException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a network in cnnkit and in ONNX Runtime on the same weights and input, alternated in one run.",
        footer = {"", "GFLOP/s count 2 FLOPs per MAC of conv and dense layers (the analyzer's MACs); the peak is"
                + " measured by a Vector API FMA loop on the same number of threads."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured, outputs agree", "1:the outputs disagree (beyond 1e-4) or the peer failed",
                "2:invalid network, weights or options"})
public final class BenchCommand implements Callable<Integer> {
    /** Peak probe time per thread count. */
    private static final long PROBE_MILLIS = 300;
    /** Vector API kernels run interpreted (boxing every vector) until C2 compiles them; warm-up lasts this long at least. */
    private static final double MIN_WARMUP_SECONDS = 2;
    /**
     * Past that, warm-up goes on until the JIT has finished no compilation for this long and for the
     * last W runs: a step that loops over its planes once per run (a global pool) reaches C2 only
     * after some hundred runs, and until then it runs up to ten times its time.
     */
    private static final double JIT_QUIET_SECONDS = 1;
    /** Warm-up stops here whatever the JIT is doing. */
    private static final double MAX_WARMUP_SECONDS = 30;

    /** Both sides' timed runs (the peer's null without one) and how long warm-up took to get there. */
    private record Alternated(Timings ours, Timings theirs, int warmupRuns, double warmupSeconds) {
    }

    /** The runtime timed next to cnnkit. */
    public enum Peer { ort, none }

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "threads for both runtimes (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--peer", paramLabel = "ort|none", defaultValue = "ort",
            description = "the runtime to compare with: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Peer peer;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
            description = "untimed runs per side first, continued for at least 2 s and until the JIT has compiled"
                    + " nothing for 1 s and W runs (at most 30 s), so that it has compiled the kernels; 0 for none (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "20",
            description = "timed runs per side (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--train", description = {"time training steps instead (forward, loss, backward, SGD with momentum)",
            "next to PyTorch on the CPU (through --python), in images/s"})
    boolean train;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "1",
            description = "with --train: training steps per timed run (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "/usr/bin/python3",
            description = "with --train: the Python with torch and onnx that runs PyTorch (default: ${DEFAULT-VALUE})")
    String python;

    @Option(names = "--profile", description = {"also print cnnkit's time and GFLOP/s per layer and per kind of layer,"
            + " ONNX Runtime's own time per node, and both side by side per kind of layer",
            "(with --train: forward and backward per layer, and PyTorch's profiler table)"})
    boolean profile;

    @ArgGroup(exclusive = true)
    WeightSource source = new WeightSource();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return bench(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int bench(PrintWriter out, PrintWriter err) {
        if (threads < 1 || batch < 1 || runs < 1 || warmup < 0) {
            err.println("cnn bench: --threads, --batch and --runs must be at least 1 and --warmup at least 0");
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = Sources.analysis(model, batch, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        BenchModel bench;
        try {
            // The input is drawn from the seed too, so both runtimes see the same data on every run.
            bench = BenchModel.of(analysis.get(), source.load(analysis.get(), err, null), source.seed() + 1);
        } catch (WeightsException | IllegalArgumentException e) {
            err.println("cnn bench: " + e.getMessage());
            return ExitCode.INVALID_INPUT;
        }
        if (train) {
            if (steps < 1) {
                err.println("cnn bench --train: --steps must be at least 1");
                return ExitCode.INVALID_INPUT;
            }
            out.printf(Locale.ROOT, "%s: training, batch %d, %d thread%s, weights %s%n", bench.graph().name(), batch,
                    threads, threads == 1 ? "" : "s", source.describe());
            printLoad(out);
            return TrainBench.run(bench, new TrainBench.Settings(threads, warmup, runs, steps, python,
                    peer != Peer.none, profile), out, err);
        }
        out.printf(Locale.ROOT, "%s: batch %d, %d thread%s, %.3f GMAC per run, weights %s%n", bench.graph().name(),
                batch, threads, threads == 1 ? "" : "s", bench.macs() / 1e9,
                source.describe());
        printLoad(out);
        double peak = printPeak(out);
        try (Executor ours = new Executor(bench.graph(), bench.weights().asMap(), batch, threads);
             OrtPeer theirs = peer == Peer.ort ? startPeer(bench, err) : null) {
            if (peer == Peer.ort && theirs == null) {
                return ExitCode.FAILURE;
            }
            boolean agree = theirs == null || checkAgreement(ours.run(bench.inputs()), theirs.outputs(), out, err);
            printTable(bench, alternate(ours, theirs, bench.inputs()), peak, out);
            if (profile) {
                ours.setProfiling(true);
                for (int i = 0; i < runs; i++) {
                    ours.run(bench.inputs(), Map.of());
                }
                LayerProfile.print(ours, peak, out);
                if (theirs != null && !printOrtProfile(bench, ours, out, err)) {
                    return ExitCode.FAILURE;
                }
            }
            if (!agree) {
                err.println("cnn bench: the outputs DISAGREE beyond " + Agreement.TOLERANCE + "; the timings above compare"
                        + " different computations");
                return ExitCode.FAILURE;
            }
        }
        return ExitCode.OK;
    }

    private boolean printOrtProfile(BenchModel bench, Executor ours, PrintWriter out, PrintWriter err) {
        out.flush();
        try {
            LayerProfile.printVersusOrt(ours, OrtProfile.measure(bench, threads, warmup, runs), out);
            return true;
        } catch (IOException | IllegalStateException e) {
            err.println("cnn bench: ONNX Runtime's profile could not be read: " + e.getMessage());
            return false;
        }
    }

    /** Other work on the machine skews every figure; the load average says how much there was. */
    private static void printLoad(PrintWriter out) {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        if (load >= 0) {
            Terminal.println(out, String.format(Locale.ROOT, "load average %.2f on %d core%s%s", load, cores,
                    cores == 1 ? "" : "s",
                    load > 0.5 ? ": other work is running; expect noise (alternating keeps ratios fair)" : ""));
        }
    }

    /**
     * Probes the FMA peak on 1..T threads with 256-bit and 512-bit vectors, each in a JVM of its own
     * (this JVM runs cnnkit's kernels, which must be the only vector width it sees), and returns the
     * higher figure for T threads in GFLOP/s.
     */
    private double printPeak(PrintWriter out) {
        double peak = 0;
        StringBuilder line = new StringBuilder("peak probe (FMA loop, fresh JVM, best 1 ms window):");
        for (int bits : new int[] {256, 512}) {
            Optional<double[]> rates = PeakProbe.inFreshJvm(threads, PROBE_MILLIS, bits);
            if (rates.isEmpty()) {
                continue;
            }
            line.append(' ').append(bits).append("-bit");
            for (int t = 1; t <= threads; t++) {
                line.append(String.format(Locale.ROOT, " %d thread%s %.1f", t, t == 1 ? "" : "s", rates.get()[t - 1]));
            }
            line.append(" GFLOP/s;");
            peak = Math.max(peak, rates.get()[threads - 1]);
        }
        if (peak == 0) {
            line.append(" no width could be probed (% peak shown as -);");
        }
        Terminal.println(out, line.append(String.format(Locale.ROOT, " the issue's figure %.0f per core",
                PeakProbe.KNOWN_GFLOPS_PER_CORE)).toString());
        out.flush();
        return peak;
    }

    private OrtPeer startPeer(BenchModel bench, PrintWriter err) {
        try {
            return new OrtPeer(bench.onnx(), bench.inputs(), threads);
        } catch (OnnxException | IllegalStateException e) {
            err.println("cnn bench: " + e.getMessage());
            return null;
        }
    }

    private static boolean checkAgreement(Map<String, Tensor> ours, Map<String, Tensor> theirs, PrintWriter out,
                                          PrintWriter err) {
        double error = Agreement.maxRelativeError(ours, theirs);
        boolean agree = error <= Agreement.TOLERANCE;
        out.printf(Locale.ROOT, "outputs: max relative difference cnnkit vs ONNX Runtime %.2e (limit %.0e) %s%n", error,
                Agreement.TOLERANCE, agree ? "ok" : "FAILED");
        if (!agree) {
            err.println("cnn bench: WARNING: cnnkit and ONNX Runtime DISAGREE (max relative difference " + error + ")");
            err.flush();
        }
        return agree;
    }

    /**
     * Warm-up then timed runs, alternating cnnkit and the peer so that both see the same machine.
     * Neither side's outputs are copied out: the peer's stay in its buffers, cnnkit's in its arena
     * (a one-layer network's multi-megabyte output would otherwise be timed as part of the layer).
     */
    private Alternated alternate(Executor ours, OrtPeer theirs, Map<String, Tensor> inputs) {
        long start = System.nanoTime();
        long warmUntil = start + (long) (MIN_WARMUP_SECONDS * 1e9);
        long giveUp = start + (long) (MAX_WARMUP_SECONDS * 1e9);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
        long quietSince = start;
        int quietRuns = 0;
        boolean jitBusy = false;
        int warmupRuns = 0;
        for (int i = 0; i < warmup || (warmup > 0 && (jitBusy || System.nanoTime() < warmUntil)); i++) {
            ours.run(inputs, Map.of());
            if (theirs != null) {
                theirs.run();
            }
            if (watchJit) {
                long now = jit.getTotalCompilationTime();
                quietRuns++;
                if (now != compiled) {
                    compiled = now;
                    quietSince = System.nanoTime();
                    quietRuns = 0;
                }
                long t = System.nanoTime();
                jitBusy = (t - quietSince < JIT_QUIET_SECONDS * 1e9 || quietRuns < warmup) && t < giveUp;
            }
            warmupRuns = i + 1;
        }
        double warmupSeconds = (System.nanoTime() - start) / 1e9;
        long[] a = new long[runs];
        long[] b = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            ours.run(inputs, Map.of());
            long t1 = System.nanoTime();
            if (theirs != null) {
                theirs.run();
            }
            long t2 = System.nanoTime();
            a[i] = t1 - t0;
            b[i] = t2 - t1;
        }
        return new Alternated(new Timings(a), theirs == null ? null : new Timings(b), warmupRuns, warmupSeconds);
    }

    private void printTable(BenchModel bench, Alternated timed, double peak, PrintWriter out) {
        Timings ours = timed.ours();
        Timings theirs = timed.theirs();
        Terminal.println(out, String.format(Locale.ROOT, "warm-up: %d runs per side%s; %d timed runs per side%s", warmup,
                warmup > 0 ? String.format(Locale.ROOT, ", at least %d s and until the JIT rested %d s and %d runs (%d runs, %.1f s)",
                        (int) MIN_WARMUP_SECONDS, (int) JIT_QUIET_SECONDS, warmup, timed.warmupRuns(), timed.warmupSeconds()) : "", runs,
                theirs == null ? "" : ", alternated (cnnkit, ONNX Runtime, cnnkit, ...)"));
        String row = "%-18s %10s %10s %10s %12s %8s%n";
        out.printf(Locale.ROOT, row, "", "median ms", "min ms", "p90 ms", "GFLOP/s", "% peak");
        Map<String, Timings> sides = new LinkedHashMap<>();
        sides.put("cnnkit", ours);
        if (theirs != null) {
            sides.put("ONNX Runtime", theirs);
        }
        sides.forEach((name, t) -> {
            double gflops = Timings.gflops(bench.macs(), t.medianMillis());
            out.printf(Locale.ROOT, row, name, f(t.medianMillis(), 3), f(t.minMillis(), 3), f(t.quantileMillis(0.9), 3),
                    f(gflops, 1), percentOfPeak(gflops, peak));
        });
        if (theirs != null) {
            out.printf(Locale.ROOT, row, "ratio cnnkit/ORT", f(ours.medianMillis() / theirs.medianMillis(), 2),
                    f(ours.minMillis() / theirs.minMillis(), 2), "", "", "");
        }
        Terminal.println(out, String.format(Locale.ROOT, "GFLOP/s at the median; %% peak against the probe's best,"
                + " %.1f GFLOP/s on %d thread%s (cnnkit's kernels use %d-bit vectors, %s).", peak, threads,
                threads == 1 ? "" : "s", Kernels.vectorBits(), Kernels.alignedArrays() ? "aligned to cache lines"
                        : "not aligned to cache lines: run with -XX:ObjectAlignmentInBytes=64"));
    }

    /** "-" when the peak could not be probed. */
    static String percentOfPeak(double gflops, double peak) {
        return peak > 0 ? f(100 * gflops / peak, 0) + "%" : "-";
    }

    static String f(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
