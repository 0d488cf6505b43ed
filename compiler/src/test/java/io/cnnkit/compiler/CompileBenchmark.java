package io.cnnkit.compiler;

import java.util.concurrent.TimeUnit;
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

/**
 * Compile time of generated networks of 1k, 10k and 100k layers, written out (one layer per
 * step) and through a module with repetition; time per layer should stay flat (linear growth).
 * Run: {@code scripts/jmh.sh compiler CompileBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = "-Xss8m")
public class CompileBenchmark {

    @Param({"1000", "10000", "100000"})
    int layers;

    String flat;
    String repeated;

    @Setup
    public void generate() {
        flat = flatNetwork(layers);
        repeated = repeatedNetwork(layers);
    }

    /** A chain of {@code layers} conv/relu steps, each written out. */
    static String flatNetwork(int layers) {
        StringBuilder s = new StringBuilder("network Flat\ninput x: 8x16x16\nh = x");
        for (int i = 1; i < layers; i += 2) {
            s.append("\n  -> conv(8, 3, pad=1) -> relu");
        }
        return s.append("\noutput o = h -> flatten -> dense(10)\n").toString();
    }

    /** The same depth through a two-layer module, repeated in stages of at most 1,000 copies. */
    static String repeatedNetwork(int layers) {
        StringBuilder s = new StringBuilder("network Repeated\ninput x: 8x16x16\n"
                + "module block(c) { out in -> conv(c, 3, pad=1) -> relu }\nh = x");
        int blocks = layers / 2;
        for (int stage = 0; blocks > 0; stage++, blocks -= 1000) {
            s.append("\n  -> stage").append(stage).append(": repeat ").append(Math.min(1000, blocks)).append(" block(8)");
        }
        return s.append("\noutput o = h -> flatten -> dense(10)\n").toString();
    }

    @Benchmark
    public Compilation flat() {
        return CnnCompiler.compileString("flat.cnn", flat);
    }

    @Benchmark
    public Compilation repeated() {
        return CnnCompiler.compileString("repeated.cnn", repeated);
    }
}
