package io.cnnkit.exec.kernel.gemm;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Simd;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The production GEMM micro-kernel ({@link Sgemm#tile}, the tile named by {@code shape}) alone with
 * its A panel, B panel and C tile in L1, next to {@code registersOnly}: the same count of
 * multiply-adds with every operand in registers, the FMA ceiling of this loop shape, in the same
 * JVM. The ratio shows what the tile's loads and C2's code around them cost; a layer whose time is
 * mostly in this tile cannot run at a larger fraction of the peak than the tile does.
 * {@code scripts/jmh.sh exec -f 1 TileBenchmark} prints JMH's table; {@code main} (optionally
 * with a benchmark name) prints GFLOP/s and the tile's rate relative to {@code registersOnly}
 * (docs/performance.md, "How to measure").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
public class TileBenchmark {
    private static final VectorSpecies<Float> S = Simd.S;
    /** Tiles per benchmark call: about 20 us of work, so that JMH's own overhead does not count. */
    static final int CALLS = 64;

    /** The register tile: rows of A x columns of B ({@code main} runs the tiles of this JVM's width). */
    @Param({"8x48", "12x32", "8x24"})
    public String shape;

    /** K steps per call, {@link GemmConv#KC} as in the convolutions. */
    @Param({"128"})
    public int kc;

    private Sgemm.Shape tile;
    private float[] a, b, c;

    @Setup
    public void setup() {
        tile = Stream.of(Sgemm.ROWS, Sgemm.COLUMNS)
                .filter(t -> shape.equals(t.mr() + "x" + t.nr())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + shape + " tile at " + S.vectorBitSize() + " bits"));
        Random rnd = new Random(1);
        a = random(rnd, tile.mr() * kc);
        b = random(rnd, kc * tile.nr());
        c = random(rnd, tile.mr() * tile.nr());
    }

    private static float[] random(Random rnd, int n) {
        float[] x = Align.floats(n);
        for (int i = 0; i < n; i++) {
            x[Align.FLOATS + i] = rnd.nextFloat() - 0.5f;
        }
        return x;
    }

    /** FLOPs of one benchmark call of either loop for a tile {@code shape} ("8x48") and kc. */
    static long flopsPerCall(String shape, int kc) {
        String[] dims = shape.split("x");
        return 2L * CALLS * Integer.parseInt(dims[0]) * Integer.parseInt(dims[1]) * kc;
    }

    @Benchmark
    public float[] tile() {
        int at = Align.FLOATS;
        for (int i = 0; i < CALLS; i++) {
            Sgemm.tile(false, tile, a, at, b, at, kc, c, at, tile.nr(), true);
        }
        return c;
    }

    /**
     * 24 multiply-adds per step (the tiles' count at 512 bits) with operands in registers: 4
     * broadcast values and 3 B vectors, so that nothing spills besides the 24 accumulators.
     */
    @Benchmark
    public float[] registersOnly() {
        int steps = kc * tile.mr() * tile.nr() / (24 * S.length());
        for (int i = 0; i < CALLS; i++) {
            int co = Align.FLOATS;
            FloatVector b0 = FloatVector.fromArray(S, b, co), b1 = FloatVector.fromArray(S, b, co + S.length()),
                    b2 = FloatVector.fromArray(S, b, co + 2 * S.length());
            FloatVector a0 = FloatVector.broadcast(S, a[co]), a1 = FloatVector.broadcast(S, a[co + 1]),
                    a2 = FloatVector.broadcast(S, a[co + 2]), a3 = FloatVector.broadcast(S, a[co + 3]);
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
            FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
            FloatVector c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
            FloatVector c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
            for (int k = 0; k < steps; k++) {
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                c02 = a0.fma(b2, c02);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                c12 = a1.fma(b2, c12);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                c22 = a2.fma(b2, c22);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
                c32 = a3.fma(b2, c32);
                c40 = a0.fma(b1, c40);
                c41 = a0.fma(b2, c41);
                c42 = a0.fma(b0, c42);
                c50 = a1.fma(b1, c50);
                c51 = a1.fma(b2, c51);
                c52 = a1.fma(b0, c52);
                c60 = a2.fma(b1, c60);
                c61 = a2.fma(b2, c61);
                c62 = a2.fma(b0, c62);
                c70 = a3.fma(b1, c70);
                c71 = a3.fma(b2, c71);
                c72 = a3.fma(b0, c72);
            }
            c00.add(c01).add(c02).add(c10).add(c11).add(c12).add(c20).add(c21).add(c22).add(c30)
                    .add(c31).add(c32).add(c40).add(c41).add(c42).add(c50).add(c51).add(c52).add(c60).add(c61)
                    .add(c62).add(c70).add(c71).add(c72).intoArray(c, co);
        }
        return c;
    }

    /** JMH's run of both loops, then GFLOP/s and the rate relative to {@code registersOnly} per shape. */
    public static void main(String[] args) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include(TileBenchmark.class.getName() + (args.length > 0 ? "." + args[0] : ""));
        options.param("shape", Stream.of(Sgemm.ROWS, Sgemm.COLUMNS).distinct().map(t -> t.mr() + "x" + t.nr())
                .toArray(String[]::new));
        Map<String, Double> rates = new LinkedHashMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            String shape = r.getParams().getParam("shape");
            int kc = Integer.parseInt(r.getParams().getParam("kc"));
            String name = r.getParams().getBenchmark();
            double micros = r.getPrimaryResult().getScore();
            rates.put(shape + " " + name.substring(name.lastIndexOf('.') + 1), flopsPerCall(shape, kc) / (micros * 1e3));
        }
        System.out.printf("%n%-24s %10s %14s%n", "shape loop", "GFLOP/s", "of registers");
        rates.forEach((key, gflops) -> {
            Double peak = rates.get(key.split(" ")[0] + " registersOnly");
            System.out.printf("%-24s %10.1f %13.0f%%%n", key, gflops, peak == null ? Double.NaN : 100 * gflops / peak);
        });
    }
}
