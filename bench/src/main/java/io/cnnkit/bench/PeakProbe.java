package io.cnnkit.bench;

import io.cnnkit.exec.kernel.Kernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the FP32 FMA peak the Vector API reaches on this machine: every thread runs a loop of
 * fused multiply-adds into twelve independent {@link FloatVector} accumulators, enough to hide the
 * FMA latency on both pipes, all in one method (on JDK 17 a vector passed to a helper is boxed).
 */
public final class PeakProbe {
    /** The system property that selects the probe's vector width in bits (256 or 512). */
    public static final String BITS_PROPERTY = "cnnkit.peak.bits";

    /**
     * The kernels' width ({@link Kernels#vectorBits}) unless {@link #BITS_PROPERTY} says 256 or 512.
     * A JVM must run vectors of one width only:
     * once code of a second species runs, JDK 17's C2 sees two receiver types at the shared
     * {@code FloatVector} call sites, stops intrinsifying them and every kernel boxes its vectors
     * (docs/performance.md, "JIT pitfalls"). A JVM running cnnkit's kernels therefore probes every width
     * in a JVM of its own ({@link #inFreshJvm}).
     */
    static final VectorSpecies<Float> SPECIES = Integer.getInteger(BITS_PROPERTY, Kernels.vectorBits()) == 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final int ACCUMULATORS = 12;
    /** Iterations between clock reads: about 5 µs of work once compiled. */
    private static final int BLOCK = 1024;
    /**
     * Warm-up bounds: the loop runs interpreted (boxing every vector, at a steady but tiny rate)
     * until C2 compiles it, which takes seconds on a busy machine; compiled, it is orders of magnitude faster.
     */
    private static final long MIN_WARMUP_MILLIS = 500;
    private static final long MAX_WARMUP_MILLIS = 15000;
    /**
     * Rates are measured over windows this short and the best is reported: on a shared machine a
     * longer window almost always includes time the scheduler gave to other work, which a short
     * network run or a kernel (a few ms) often escapes.
     */
    private static final long WINDOW_NANOS = 1_000_000;
    /** Boxed (interpreted or C1) vectors reach well under 1 GFLOP/s; the compiled loop, even on a busy core, far more. */
    private static final double COMPILED_GFLOPS = 2;

    /**
     * The figure the performance issue gives per core (measured with 256-bit FMAs, described as Zen 4);
     * the host also runs 512-bit FMAs at twice that rate, see docs/performance.md.
     */
    public static final double KNOWN_GFLOPS_PER_CORE = 116;

    private PeakProbe() {
    }

    /**
     * Probes 1..{@code maxThreads} threads with {@code bits}-wide vectors in a new JVM (same java,
     * same class path) and returns GFLOP/s per thread count, index 0 for one thread; empty if the
     * child JVM failed.
     */
    public static Optional<double[]> inFreshJvm(int maxThreads, long millis, int bits) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-D" + BITS_PROPERTY + "="
                + bits, "-cp", System.getProperty("java.class.path"), PeakProbe.class.getName(),
                String.valueOf(maxThreads), String.valueOf(millis)).redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process child = builder.start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (child.waitFor() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            double[] rates = Arrays.stream(out.split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            return rates.length == maxThreads ? Optional.of(rates) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Prints GFLOP/s for 1..{@code args[0]} threads, {@code args[1]} ms each, one per line. */
    public static void main(String[] args) {
        int maxThreads = Integer.parseInt(args[0]);
        long millis = Long.parseLong(args[1]);
        for (int t = 1; t <= maxThreads; t++) {
            System.out.println(gflops(t, millis));
        }
    }

    /** FLOPs done by one call of {@link #fmaBlock}. */
    static long flopsPerBlock() {
        return 2L * ACCUMULATORS * SPECIES.length() * BLOCK;
    }

    /**
     * Achieved GFLOP/s with {@code threads} threads each running FMAs for about {@code millis} ms
     * after a warm-up: the sum over threads of each thread's best 1 ms window.
     */
    public static double gflops(int threads, long millis) {
        if (threads < 1 || millis < 1) {
            throw new IllegalArgumentException("threads and millis must be positive");
        }
        warmUp();
        CyclicBarrier start = new CyclicBarrier(threads);
        DoubleAdder total = new DoubleAdder();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                total.add(spin(millis));
            }, "peak-probe-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while probing the peak", e);
            }
        }
        return total.sum();
    }

    /**
     * Runs short windows until the loop is compiled (faster than {@link #COMPILED_GFLOPS}) and the
     * rate has stopped rising, within a time bound.
     */
    private static void warmUp() {
        long start = System.nanoTime();
        long earliest = start + MIN_WARMUP_MILLIS * 1_000_000;
        long deadline = start + MAX_WARMUP_MILLIS * 1_000_000;
        double best = 0;
        int flat = 0;
        while ((flat < 3 || best < COMPILED_GFLOPS || System.nanoTime() < earliest) && System.nanoTime() < deadline) {
            double rate = spin(20);
            flat = rate > 1.02 * best ? 0 : flat + 1;
            best = Math.max(best, rate);
        }
    }

    /** Runs FMA blocks for {@code millis} ms on the calling thread and returns its best window's GFLOP/s. */
    private static double spin(long millis) {
        long begin = System.nanoTime();
        long deadline = begin + millis * 1_000_000;
        long windowStart = begin;
        long blocks = 0;
        double best = 0;
        float sink = 0;
        long now;
        do {
            sink += fmaBlock(1e-7f * (blocks & 7));
            blocks++;
            now = System.nanoTime();
            if (now - windowStart >= WINDOW_NANOS) {
                best = Math.max(best, (double) blocks * flopsPerBlock() / (now - windowStart));
                windowStart = now;
                blocks = 0;
            }
        } while (now < deadline);
        if (sink == 42.4242f) { // never true in practice; keeps the result alive
            System.out.print("");
        }
        return best > 0 ? best : (double) blocks * flopsPerBlock() / (now - windowStart);
    }

    /** {@link #BLOCK} iterations of twelve independent FMAs; returns a value depending on all of them. */
    static float fmaBlock(float seed) {
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999999f);
        FloatVector b = FloatVector.broadcast(SPECIES, seed);
        FloatVector c0 = FloatVector.broadcast(SPECIES, 0.0f);
        FloatVector c1 = FloatVector.broadcast(SPECIES, 0.1f);
        FloatVector c2 = FloatVector.broadcast(SPECIES, 0.2f);
        FloatVector c3 = FloatVector.broadcast(SPECIES, 0.3f);
        FloatVector c4 = FloatVector.broadcast(SPECIES, 0.4f);
        FloatVector c5 = FloatVector.broadcast(SPECIES, 0.5f);
        FloatVector c6 = FloatVector.broadcast(SPECIES, 0.6f);
        FloatVector c7 = FloatVector.broadcast(SPECIES, 0.7f);
        FloatVector c8 = FloatVector.broadcast(SPECIES, 0.8f);
        FloatVector c9 = FloatVector.broadcast(SPECIES, 0.9f);
        FloatVector c10 = FloatVector.broadcast(SPECIES, 1.0f);
        FloatVector c11 = FloatVector.broadcast(SPECIES, 1.1f);
        for (int i = 0; i < BLOCK; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
