package io.cnnkit.exec.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one parallel step costs beyond its work: a step of {@code workMicros} of busy work cut in
 * two ranges over two threads, after {@code gapMicros} of work on the calling thread alone (an
 * unsplit step in between, during which the helper waits). With ideal scaling a step takes
 * gap + work / 2; the rest is the pool's hand-over, wake-up and join.
 * {@code scripts/jmh.sh exec -f 1 -wi 3 -i 5 -w 1 -r 1 ParallelBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ParallelBenchmark {
    @Param({"0", "50", "500"})
    public int workMicros;

    @Param({"0", "100", "1000"})
    public int gapMicros;

    private ForkJoinPool pool;
    private Workspace workspace;

    @Setup(Level.Trial)
    public void setup() {
        pool = new ForkJoinPool(2);
        workspace = new Workspace(pool, 1, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    public void step() {
        busy(gapMicros * 1000L);
        long half = workMicros * 500L;
        Parallel.forRanges(workspace, new int[] {0, 1, 2}, Parallel.MIN_PARALLEL_WORK, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                busy(half);
            }
        });
    }
}
